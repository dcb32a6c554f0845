/**
 * The MCP server: one tool per action (src/generated/mcp-tools.ts), each call
 * run through runAction, the one path every action takes. Transport-agnostic:
 * stdio and Streamable HTTP (./http.ts) connect the same server.
 *
 * A tool result is the envelope as structuredContent plus a short text; a
 * non-2xx envelope is an error result that keeps the envelope; invalid input,
 * configuration or a transport failure is an error result with the code and
 * message (never a protocol error, so the model can read and correct it).
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type CreateTaskResult } from '@modelcontextprotocol/sdk/types.js';
import type { RequestTaskStore } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ConnectorError, isConnectorError } from '../contract/errors.js';
import { assertValidInput } from '../contract/input-limits.js';
import { inlinedSchema } from '../contract/inline-refs.js';
import { getAction, manifest } from '../contract/manifest.js';
import { getValidator } from '../contract/validators.js';
import { mcpTools } from '../generated/mcp-tools.js';
import { connectionSecrets } from '../runtime/connection.js';
import type { Envelope } from '../runtime/envelope.js';
import { scrubbersFor, scrubDeep } from '../runtime/redact.js';
import { waitSettings, type WaitProgress } from '../runtime/poll.js';
import { runAction, type RunOptions } from '../runtime/run.js';
import { summarize, vendorMessage } from '../runtime/summary.js';
import { RunningCalls } from './running-calls.js';
import { BoundedTaskStore, STDIO_OWNER, TASK_TTL_MARGIN_MS } from './tasks.js';

export interface McpServerOptions {
  /** Connection fields by connection id, read once at start (environment, --connection files, --simulator). */
  connections: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Turns a connection error into one that says which variable to set (the CLI's hint). */
  explainConnectionError?: (error: ConnectorError, connectionId: string) => ConnectorError;
  /** One line per call, for stderr (never stdout in stdio mode). Secrets are removed before it is called. */
  log?: (line: string) => void;
  /**
   * The session's running calls (the Streamable HTTP front passes its own: a call ends when its HTTP exchange is
   * gone, and the front counts it until it has). Default: a fresh one.
   */
  calls?: RunningCalls;
  /** Passed to every runAction: tests inject the retry/wait clock or a transport. */
  run?: Pick<RunOptions, 'retry' | 'transport'>;
  /**
   * The longest a wait tool holds a call (milliseconds, default MCP_WAIT_BUDGET_MS): past it the call returns
   * wait.outcome pending with next_check_after_s, well inside an MCP client's default 60 s request timeout.
   */
  waitBudgetMs?: number;
  /** The task store of the wait tools (default: a fresh bounded one per server); over HTTP one store serves every session. */
  taskStore?: BoundedTaskStore;
  /**
   * Who owns a task created without an MCP session: bearerOwner(token) over HTTP, STDIO_OWNER (the default) on
   * stdio. A task created in a session belongs to that session. Either way no other client can see it.
   */
  taskOwner?: string;
  /** How often a client should poll tasks/get, in milliseconds (default 5000). */
  taskPollIntervalMs?: number;
}

/** A wait tool answers within this (40 s), so a client at its defaults (60 s request timeout) never times out. */
export const MCP_WAIT_BUDGET_MS = 40_000;

const toolsByName = new Map(mcpTools.map((tool) => [tool.name, tool]));

/** `progress: 3, message: "Scanning 40% (3 polls, 62 s)"`: polls only grow, so progress increases with every notification as MCP requires. */
export function progressNotification(progressToken: string | number, progress: WaitProgress): {
  method: 'notifications/progress';
  params: { progressToken: string | number; progress: number; total?: number; message: string };
} {
  const state = progress.state ?? 'unknown state';
  const percentage = progress.percentage === null ? '' : ` ${Math.round(progress.percentage)}%`;
  const seconds = Math.round(progress.elapsed_ms / 1000);
  const message = `${state}${percentage} (${progress.polls} poll${progress.polls === 1 ? '' : 's'}, ${seconds} s${progress.done ? ', done' : ''})`;
  return {
    method: 'notifications/progress',
    params: { progressToken, progress: progress.polls, ...(progress.done ? { total: progress.polls } : {}), message },
  };
}

/**
 * The result's text: status and reason, the fields the action's `summary` declares, the vendor's own message
 * (an error body's Message …) when the summary does not already carry it, and how a wait ended. One short
 * line a model reads on every turn; the whole envelope is in structuredContent.
 */
export function summaryText(actionId: string, envelope: Envelope): string {
  const summary = summarize(actionId, envelope);
  const fields = Object.entries(summary).map(([label, value]) => `${label} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const message = vendorMessage(envelope);
  if (message !== undefined && !Object.values(summary).includes(message)) fields.push(`message ${JSON.stringify(message)}`);
  const head = `HTTP ${envelope.status_code} ${envelope.reason}`.trim();
  const line = fields.length > 0 ? `${head}: ${fields.join(', ')}` : head;
  // A wait action's envelope says how the wait ended: a model must not read a timeout as the final state.
  const wait = (envelope as { wait?: { done?: unknown; outcome?: unknown; polls?: unknown; waited_ms?: unknown; next_check_after_s?: unknown } }).wait;
  if (!wait || typeof wait !== 'object') return line;
  const after = `after ${String(wait.polls)} poll(s), ${Math.round(Number(wait.waited_ms) / 1000)} s`;
  if (wait.outcome === 'pending') {
    return `${line}. Outcome pending ${after}: not finished yet; call this tool again in ${String(wait.next_check_after_s)} s.`;
  }
  return `${line}. Outcome ${String(wait.outcome)} ${after}${wait.outcome === 'ended' ? ' (not a success)' : ''}.`;
}

/** The same `{"error":{code,message,details?}}` the CLI prints, as an error result the model can read. */
function errorResult(error: { code: string; message: string; details?: unknown }, scrub: (text: string) => string): CallToolResult {
  // Scrubbed before it is serialised: after, a secret with " or \ would be missed in its JSON-escaped spelling.
  return { isError: true, content: [{ type: 'text', text: JSON.stringify({ error: scrubDeep(error, scrub) }) }] };
}

export function createMcpServer(options: McpServerOptions): Server {
  const log = options.log ?? (() => {});
  const calls = options.calls ?? new RunningCalls();
  const taskStore = options.taskStore ?? new BoundedTaskStore();
  const server = new Server(
    { name: manifest.name, title: manifest.title, version: manifest.version },
    {
      taskStore: taskStore.scopedTo(options.taskOwner ?? STDIO_OWNER),
      capabilities: { tools: { listChanged: false }, tasks: { cancel: {}, requests: { tools: { call: {} } } } },
      instructions:
        `${manifest.description} Each tool is one action; its result is the vendor's HTTP envelope {status_code, reason, response_headers, json_body} ` +
        'in structuredContent, and a one-line summary as text (status, key fields, the vendor\'s message). Branch on status_code. ' +
        'Credentials are configured on the server; no argument carries one. A tool\'s schemas list what a call needs; ' +
        '`retest-connectors describe <tool> --json` prints the full vendor models.',
    },
  );

  // Every declared wait is task-capable: a client may ask for a task (tasks/get, tasks/result, tasks/cancel) or not.
  const waits = new Set(manifest.actions.filter((a) => a.poll).map((a) => a.id));
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: mcpTools.map((tool) => (waits.has(tool.name) ? { ...tool, execution: { taskSupport: 'optional' as const } } : { ...tool })),
  }));

  server.setRequestHandler(CallToolRequestSchema, (request, extra): Promise<CallToolResult | CreateTaskResult> => {
    const task = (request.params as { task?: { ttl?: number } }).task;
    if (task && waits.has(request.params.name) && extra.taskStore) return startTask(request, extra, task);
    // Ended by an MCP cancellation, a closed session, or (over HTTP) the client's socket closing before the answer.
    return calls.run(extra.requestId, extra.signal, (signal) => callTool(request, extra, signal));
  });

  /** A wait as a task: created at once; the wait runs to its own end (no budget), its progress in the task's status message. */
  const startTask = async (
    request: { params: { name: string; arguments?: Record<string, unknown> } },
    extra: { sessionId?: string | undefined; taskStore?: RequestTaskStore | undefined; sendNotification: (notification: ReturnType<typeof progressNotification>) => Promise<void> },
    params: { ttl?: number },
  ): Promise<CallToolResult | CreateTaskResult> => {
    const action = getAction(request.params.name);
    const input = request.params.arguments ?? {};
    try {
      assertValidInput(getValidator(action.input_schema), input, `Invalid input for ${action.id}`, () => inlinedSchema(action.input_schema));
    } catch (error) {
      if (isConnectorError(error)) return errorResult(error.toJSON(), (t) => t);
      throw error;
    }
    const store = extra.taskStore!;
    const { timeoutMs } = waitSettings(action, input);
    const ttl = Math.min(params.ttl ?? Number.POSITIVE_INFINITY, timeoutMs + TASK_TTL_MARGIN_MS);
    const task = await store.createTask({ ttl, pollInterval: options.taskPollIntervalMs ?? 5_000 });
    const controller = new AbortController();
    taskStore.onCancel(task.taskId, () => controller.abort());
    const status = (progress: WaitProgress) =>
      `${progress.state ?? 'waiting'}${progress.percentage === null ? '' : ` ${progress.percentage}%`} (${progress.polls} poll${progress.polls === 1 ? '' : 's'})`;
    void (async () => {
      const result = await callTool(request, { sendNotification: extra.sendNotification }, controller.signal, {
        noBudget: true,
        onProgress: (progress) => void store.updateTaskStatus(task.taskId, 'working', status(progress)).catch(() => undefined),
      });
      if (controller.signal.aborted) return;
      await store.storeTaskResult(task.taskId, result.isError ? 'failed' : 'completed', result);
    })()
      .catch(() => undefined)
      .finally(() => taskStore.forget(task.taskId));
    log(`tools/call ${action.id}: task ${task.taskId} created`);
    return { task };
  };

  const callTool = async (
    request: { params: { name: string; arguments?: Record<string, unknown> } },
    extra: { _meta?: { progressToken?: string | number }; sendNotification: (notification: ReturnType<typeof progressNotification>) => Promise<void> },
    signal: AbortSignal,
    task?: { noBudget: true; onProgress: (progress: WaitProgress) => void },
  ): Promise<CallToolResult> => {
    const { name } = request.params;
    if (!toolsByName.has(name)) throw new McpError(ErrorCode.InvalidParams, `Unknown tool ${JSON.stringify(name)}. Tools: ${[...toolsByName.keys()].join(', ')}.`);
    const action = getAction(name);
    const connection = options.connections[action.connection] ?? {};
    const { text: scrub, data: scrubData } = scrubbersFor(connectionSecrets(action.connection, connection));
    const input = request.params.arguments ?? {};
    const started = Date.now();
    try {
      // The input first, so the model hears about its own mistake even when a connection is not configured.
      assertValidInput(getValidator(action.input_schema), input, `Invalid input for ${action.id}`, () => inlinedSchema(action.input_schema));
      const progressToken = extra._meta?.progressToken;
      const callOptions: RunOptions = { ...options.run, signal };
      // A wait never holds the call past its budget: it returns pending with next_check_after_s (the model calls again).
      if (action.poll && !task) callOptions.waitBudgetMs = options.waitBudgetMs ?? MCP_WAIT_BUDGET_MS;
      if (task) callOptions.onProgress = task.onProgress;
      // Notifications still being sent: the result waits for them, so the last progress never arrives after it
      // (a client stops listening for a request's progress once its result is in).
      const notifying = new Set<Promise<void>>();
      if (progressToken !== undefined) {
        callOptions.onProgress = (progress) => {
          const sending = extra.sendNotification(progressNotification(progressToken, progress)).catch(() => {
            /* the client went away; the call itself ends through the signal */
          });
          notifying.add(sending);
          void sending.finally(() => notifying.delete(sending));
        };
      }
      const result = await runAction(action.id, input, connection, callOptions);
      await Promise.all(notifying);
      const envelope: Envelope = scrubDeep(result, scrubData);
      const isError = envelope.status_code < 200 || envelope.status_code > 299;
      log(scrub(`tools/call ${action.id}: HTTP ${envelope.status_code} (${Date.now() - started} ms)`));
      return {
        ...(isError ? { isError: true } : {}),
        structuredContent: envelope as unknown as Record<string, unknown>,
        content: [{ type: 'text', text: scrub(summaryText(action.id, envelope)) }],
      };
    } catch (error) {
      if (!isConnectorError(error)) {
        log(scrub(`tools/call ${action.id}: internal error (${Date.now() - started} ms)`));
        return errorResult({ code: 'INTERNAL', message: `Internal error: ${error instanceof Error ? error.message : String(error)}` }, scrub);
      }
      const explained = options.explainConnectionError ? options.explainConnectionError(error, action.connection) : error;
      log(scrub(`tools/call ${action.id}: ${explained.code} (${Date.now() - started} ms)`));
      return errorResult(explained.toJSON(), scrub);
    }
  };

  return server;
}
