/**
 * The one execute() every generated node uses: node parameters -> action input,
 * credentials -> connection, then runAction of retest-connectors (so validation,
 * retries and redaction are the runtime's, not ours), envelope -> output item.
 *
 * Hand-written and generic: it knows no action; the generated node passes the
 * mapping (which parameter goes where) that scripts/lib/n8n-package.ts derived
 * from the schemas.
 */
import type { ICredentialsDecrypted, ICredentialTestFunction, IDataObject, IExecuteFunctions, INodeCredentialTestResult, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Types only (erased at build): the runtime itself is loaded with import() below.
import type * as Runtime from '../../../src/index.js';
import { envelopeToItem, type GeneratedNode, readInput, toConnection } from './mapping';

export type { GeneratedNode } from './mapping';

/** RunOptions as the runtime exposes them once waits can be aborted (`signal`); older runtimes ignore it. */
type RunOptionsWithSignal = Runtime.RunOptions & { signal?: AbortSignal };

/** The longest a wait operation blocks (60 s, n8n's guidance for waits inside a node); past it: outcome pending. */
export const N8N_WAIT_BUDGET_MS = 60_000;

type RuntimeModule = typeof Runtime;

/** The runtime package: a dependency of this package, same version (resolved at run time, not at build time). */
const RUNTIME_PACKAGE: string = 'retest-connectors';

let runtime: Promise<RuntimeModule> | undefined;

/** retest-connectors is an ES module; n8n loads this node as CommonJS, and import() bridges the two. */
function loadRuntime(): Promise<RuntimeModule> {
  runtime ??= import(RUNTIME_PACKAGE) as Promise<RuntimeModule>;
  return runtime;
}

function errorJson(error: unknown): IDataObject {
  if (error && typeof (error as { toJSON?: unknown }).toJSON === 'function' && typeof (error as { code?: unknown }).code === 'string') {
    return (error as { toJSON(): IDataObject }).toJSON();
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

/** What a test may replace: the wait budget, and the runtime module (e.g. the sources, with their test clock). */
export interface ExecuteDeps {
  waitBudgetMs?: number;
  loadRuntime?: () => Promise<RuntimeModule>;
}

export async function executeItems(ctx: IExecuteFunctions, node: GeneratedNode, deps: ExecuteDeps = {}): Promise<INodeExecutionData[][]> {
  const waitBudgetMs = deps.waitBudgetMs ?? N8N_WAIT_BUDGET_MS;
  const items = ctx.getInputData();
  const out: INodeExecutionData[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      const operation = ctx.getNodeParameter('operation', i) as string;
      const op = node.operations[operation];
      if (!op) throw new NodeOperationError(ctx.getNode(), `Unknown operation ${JSON.stringify(operation)}`, { itemIndex: i });
      const input = readInput(ctx, op, i);
      const credentials = (await ctx.getCredentials(op.credential, i)) as IDataObject;
      const connection = toConnection(credentials, node.credentials[op.credential]!);
      const { runAction, getAction } = await (deps.loadRuntime ?? loadRuntime)();
      // A wait operation holds the worker at most waitBudgetMs (N8N_WAIT_BUDGET_MS), then returns wait.outcome pending and
      // wait.next_check_after_s: longer scans go through n8n's Wait node (the execution is stored, no worker held).
      const options: RunOptionsWithSignal = { waitBudgetMs };
      const signal = ctx.getExecutionCancelSignal?.();
      if (signal) options.signal = signal;
      // A report streams to a private temporary directory (never whole in memory), and from there to n8n's binary data.
      const fileDir = getAction(op.action).response?.file ? await mkdtemp(join(tmpdir(), 'retest-n8n-')) : undefined;
      if (fileDir) options.saveFileTo = fileDir;
      try {
        // Every HTTP status resolves to an envelope: a 4xx/5xx is an output item like a 2xx, never a thrown error.
        const envelope = await runAction(op.action, input, connection, options);
        out.push(await envelopeToItem(envelope, i, (data, name, type) => ctx.helpers.prepareBinaryData(data, name, type)));
      } finally {
        if (fileDir) await rm(fileDir, { recursive: true, force: true });
      }
    } catch (error) {
      if (ctx.continueOnFail()) {
        out.push({ json: { error: errorJson(error) }, pairedItem: { item: i } });
        continue;
      }
      if (error instanceof NodeOperationError) throw error;
      const json = errorJson(error);
      const details = Array.isArray(json.details) ? (json.details as Runtime.FieldProblem[]) : [];
      // n8n rewords messages that mention a Node error code (ECONNREFUSED ...); the description keeps the runtime's own words:
      // one line per mistake as the CLI, the MCP server and the palette say it (the field's title, what is expected).
      const message = `${typeof json.code === 'string' ? `${json.code}: ` : ''}${String(json.message)}`;
      const words = details.length > 0 ? await (deps.loadRuntime ?? loadRuntime)().catch(() => undefined) : undefined;
      const line = (d: Runtime.FieldProblem) => (words ? words.problemLine(d) : `${d.title ?? d.field}: ${d.message}`);
      throw new NodeOperationError(ctx.getNode(), message, {
        itemIndex: i,
        description: details.length > 0 ? details.map(line).join('\n') : message,
      });
    }
  }
  return [out];
}

/**
 * The credential's "Test" button: the connection's probe action (read-only, no
 * input) through runAction, so the test sends what a real run sends. A 2xx is OK;
 * anything else is the error n8n shows (status and reason, or the runtime's code).
 */
export function credentialTest(node: GeneratedNode): ICredentialTestFunction {
  return async function test(this: unknown, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
    const mapping = node.credentials[credential.type];
    if (!mapping?.probe) return { status: 'Error', message: `No test for credential type ${credential.type}` };
    try {
      const { runAction, getAction } = await loadRuntime();
      const envelope = await runAction(mapping.probe, {}, toConnection((credential.data ?? {}) as IDataObject, mapping));
      if (envelope.status_code >= 200 && envelope.status_code < 300) return { status: 'OK', message: 'Connection successful' };
      return { status: 'Error', message: `HTTP ${envelope.status_code} ${envelope.reason}` };
    } catch (error) {
      const { code, message } = error as { code?: unknown; message?: unknown };
      return { status: 'Error', message: `${typeof code === 'string' ? `${code}: ` : ''}${String(message)}` };
    }
  };
}
