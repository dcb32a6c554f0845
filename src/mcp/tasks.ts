/**
 * The MCP task store of the wait tools (the SDK's experimental tasks): the
 * SDK's in-memory store, bounded and scoped to the client that created each
 * task.
 *
 * Bounds: a task lives no longer than its wait's own timeout plus a margin (the
 * TTL a client asks for is cut to that); an owner holds at most
 * MAX_TASKS_PER_SESSION running tasks and the store MAX_TASKS in all (past
 * either, a new task is refused). Finished tasks keep their results until
 * their TTL: the store keeps at most MAX_KEPT_TASKS tasks, running or
 * finished, and MAX_KEPT_RESULT_BYTES of results (as JSON); past either a new
 * task is refused until results expire. Over Streamable HTTP one store serves
 * every session, so "in all" is the whole server.
 *
 * Scope: every task belongs to its creator: the MCP session when the request
 * has one, else the client identity the server was started for (over HTTP a
 * hash of the bearer token, never the token; on stdio the single client). The
 * owner is always set, so the SDK store's "no session id: unrestricted" case
 * never arises: get, result, cancel and list see only the caller's own tasks,
 * and another's task id answers exactly like an unknown one.
 *
 * tasks/cancel marks the task cancelled and fires its cancel hook at once, so
 * the polling stops.
 */
import { createHash } from 'node:crypto';
import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import type { CreateTaskOptions, TaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/interfaces.js';
import type { Request, RequestId, Result, Task } from '@modelcontextprotocol/sdk/types.js';
import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';

/** Added to a wait's timeout_s for a task's TTL: time to fetch the result after the wait ended. */
export const TASK_TTL_MARGIN_MS = 5 * 60_000;
export const MAX_TASKS_PER_SESSION = 16;
export const MAX_TASKS = 256;
export const MAX_KEPT_TASKS = 1024;
export const MAX_KEPT_RESULT_BYTES = 64 * 1024 * 1024;

export interface TaskLimits {
  /** Running tasks of one owner. */
  perSession: number;
  /** Running tasks in all. */
  total: number;
  /** Tasks kept in all, running or finished with a result not yet expired (default MAX_KEPT_TASKS). */
  kept?: number;
  /** Bytes of finished results kept in all, as JSON (default MAX_KEPT_RESULT_BYTES). */
  keptBytes?: number;
}

/** The owner of tasks created without a session on stdio: the one client at the other end of the pipe. */
export const STDIO_OWNER = 'stdio';

/** The owner of tasks created without a session over HTTP: a hash of the bearer token (the token itself is never kept). */
export function bearerOwner(token: string): string {
  return `bearer:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
}

/** The owner of a request: its session when it has one, else the client the server was started for. */
function ownerOf(sessionId: string | undefined, fallback: string): string {
  return sessionId !== undefined ? `session:${sessionId}` : fallback;
}

export class BoundedTaskStore extends InMemoryTaskStore {
  private readonly cancelHooks = new Map<string, () => void>();
  /** Running tasks by id and their owner (counted for the caps; removed when the task's work ends). */
  private readonly owners = new Map<string, string>();
  /** Every task the store still holds, by id: the bytes of its result (0 while it runs). */
  private readonly keptBytes = new Map<string, number>();
  private readonly limits: Required<TaskLimits>;

  constructor(limits: TaskLimits = { perSession: MAX_TASKS_PER_SESSION, total: MAX_TASKS }) {
    super();
    this.limits = { kept: MAX_KEPT_TASKS, keptBytes: MAX_KEPT_RESULT_BYTES, ...limits };
  }

  /**
   * The store as the SDK sees it for one client: a request's owner is its session, else `fallbackOwner`
   * (bearerOwner(token) over HTTP, STDIO_OWNER on stdio). Pass this to the MCP Server, not the store itself.
   */
  scopedTo(fallbackOwner: string): TaskStore {
    return {
      createTask: (params, requestId, request, sessionId) => this.createTask(params, requestId, request, ownerOf(sessionId, fallbackOwner)),
      getTask: (taskId, sessionId) => this.getTask(taskId, ownerOf(sessionId, fallbackOwner)),
      storeTaskResult: (taskId, status, result, sessionId) => this.storeTaskResult(taskId, status, result, ownerOf(sessionId, fallbackOwner)),
      getTaskResult: (taskId, sessionId) => this.getTaskResult(taskId, ownerOf(sessionId, fallbackOwner)),
      updateTaskStatus: (taskId, status, message, sessionId) => this.updateTaskStatus(taskId, status, message, ownerOf(sessionId, fallbackOwner)),
      listTasks: (cursor, sessionId) => this.listTasks(cursor, ownerOf(sessionId, fallbackOwner)),
    };
  }

  // Every entry point below takes an owner; none is ever unscoped (a missing owner is the stdio client).

  override async createTask(taskParams: CreateTaskOptions, requestId: RequestId, request: Request, owner: string = STDIO_OWNER): Promise<Task> {
    // Tasks whose TTL has passed are gone from the SDK's store: they no longer count.
    const live = new Set(this.getAllTasks().map((t) => t.taskId));
    for (const id of [...this.owners.keys()]) if (!live.has(id)) this.forget(id);
    for (const id of [...this.keptBytes.keys()]) if (!live.has(id)) this.keptBytes.delete(id);
    const mine = [...this.owners.values()].filter((o) => o === owner).length;
    if (this.owners.size >= this.limits.total || mine >= this.limits.perSession) {
      throw new McpError(ErrorCode.InvalidRequest, `Too many tasks (at most ${this.limits.perSession} per session, ${this.limits.total} in all): wait for one to end or cancel one.`);
    }
    let bytes = 0;
    for (const size of this.keptBytes.values()) bytes += size;
    if (this.keptBytes.size >= this.limits.kept || bytes >= this.limits.keptBytes) {
      throw new McpError(
        ErrorCode.InvalidRequest,
        `Too many task results kept (at most ${this.limits.kept} tasks and ${this.limits.keptBytes} bytes of results until their TTL passes): retry once older results expire.`,
      );
    }
    const task = await super.createTask(taskParams, requestId, request, owner);
    this.owners.set(task.taskId, owner);
    this.keptBytes.set(task.taskId, 0);
    return task;
  }

  override getTask(taskId: string, owner: string = STDIO_OWNER): Promise<Task | null> {
    return super.getTask(taskId, owner);
  }

  override async storeTaskResult(taskId: string, status: 'completed' | 'failed', result: Result, owner: string = STDIO_OWNER): Promise<void> {
    await super.storeTaskResult(taskId, status, result, owner);
    if (this.keptBytes.has(taskId)) this.keptBytes.set(taskId, Buffer.byteLength(JSON.stringify(result)));
  }

  override getTaskResult(taskId: string, owner: string = STDIO_OWNER): Promise<Result> {
    return super.getTaskResult(taskId, owner);
  }

  override listTasks(cursor?: string, owner: string = STDIO_OWNER): Promise<{ tasks: Task[]; nextCursor?: string }> {
    return super.listTasks(cursor, owner);
  }

  /** Called once when the task is cancelled (tasks/cancel): stops its work at once. */
  onCancel(taskId: string, hook: () => void): void {
    this.cancelHooks.set(taskId, hook);
  }

  override async updateTaskStatus(taskId: string, status: Task['status'], statusMessage?: string, owner: string = STDIO_OWNER): Promise<void> {
    await super.updateTaskStatus(taskId, status, statusMessage, owner);
    if (status === 'cancelled') {
      const hook = this.cancelHooks.get(taskId);
      this.cancelHooks.delete(taskId);
      hook?.();
    }
  }

  /** The task's work has ended: it no longer counts against the caps (its result stays until its TTL). */
  forget(taskId: string): void {
    this.owners.delete(taskId);
    this.cancelHooks.delete(taskId);
  }
}
