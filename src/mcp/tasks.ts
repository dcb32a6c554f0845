/**
 * The MCP task store of the wait tools (the SDK's experimental tasks): the
 * SDK's in-memory store, bounded. A task lives no longer than its wait's own
 * timeout plus a margin (the TTL a client asks for is cut to that); a session
 * holds at most MAX_TASKS_PER_SESSION tasks and the server MAX_TASKS in all
 * (past either, a new task is refused); a task is visible only to the session
 * that created it (the store's own session scoping). tasks/cancel marks the
 * task cancelled and fires its cancel hook at once, so the polling stops.
 */
import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import type { CreateTaskOptions } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import type { Request, RequestId, Task } from '@modelcontextprotocol/sdk/types.js';
import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';

/** Added to a wait's timeout_s for a task's TTL: time to fetch the result after the wait ended. */
export const TASK_TTL_MARGIN_MS = 5 * 60_000;
export const MAX_TASKS_PER_SESSION = 16;
export const MAX_TASKS = 256;

export class BoundedTaskStore extends InMemoryTaskStore {
  private readonly cancelHooks = new Map<string, () => void>();
  private readonly owners = new Map<string, string | undefined>();

  constructor(
    private readonly limits: { perSession: number; total: number } = { perSession: MAX_TASKS_PER_SESSION, total: MAX_TASKS },
  ) {
    super();
  }

  /** Tasks still stored (expired ones are dropped by the store's own TTL timers). */
  private live(): Task[] {
    return this.getAllTasks();
  }

  override async createTask(taskParams: CreateTaskOptions, requestId: RequestId, request: Request, sessionId?: string): Promise<Task> {
    const live = new Set(this.live().map((t) => t.taskId));
    for (const id of [...this.owners.keys()]) if (!live.has(id)) this.forget(id);
    const mine = [...this.owners.values()].filter((owner) => owner === sessionId).length;
    if (this.owners.size >= this.limits.total || mine >= this.limits.perSession) {
      throw new McpError(ErrorCode.InvalidRequest, `Too many tasks (at most ${this.limits.perSession} per session, ${this.limits.total} in all): wait for one to end or cancel one.`);
    }
    const task = await super.createTask(taskParams, requestId, request, sessionId);
    this.owners.set(task.taskId, sessionId);
    return task;
  }

  /** Called once when the task is cancelled (tasks/cancel): stops its work at once. */
  onCancel(taskId: string, hook: () => void): void {
    this.cancelHooks.set(taskId, hook);
  }

  override async updateTaskStatus(taskId: string, status: Task['status'], statusMessage?: string, sessionId?: string): Promise<void> {
    await super.updateTaskStatus(taskId, status, statusMessage, sessionId);
    if (status === 'cancelled') {
      const hook = this.cancelHooks.get(taskId);
      this.cancelHooks.delete(taskId);
      hook?.();
    }
  }

  forget(taskId: string): void {
    this.owners.delete(taskId);
    this.cancelHooks.delete(taskId);
  }
}
