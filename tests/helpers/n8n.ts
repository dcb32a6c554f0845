/**
 * Runs a workflow with n8n's own code: n8n-core's PackageDirectoryLoader loads
 * the BUILT node package (integrations/n8n/dist, via its package.json `n8n`
 * section), n8n-workflow's Workflow resolves the node parameters, and n8n-core's
 * WorkflowExecute runs the nodes. Stubbed, as n8n's own NodeTestHarness does:
 * the credentials store (ICredentialsHelper) and the execution's additionalData.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { PackageDirectoryLoader } from 'n8n-core';
import type {
  ICredentialDataDecryptedObject,
  ICredentials,
  IHttpRequestOptions,
  INodeExecutionData,
  INodeProperties,
  INodeType,
  INodeTypes,
  IRun,
  INode,
  INodeParameters,
  IWorkflowBase,
  IWorkflowExecuteAdditionalData,
  IVersionedNodeType,
} from 'n8n-workflow';
import { packageRoot } from '../../src/contract/package-root.js';

// n8n's CommonJS builds, as n8n itself runs them and as the built node requires
// n8n-workflow (one copy of each; the ESM build of n8n-workflow does not load
// under jest's vm modules).
const require = createRequire(import.meta.url);
const { ExecutionLifecycleHooks, PackageDirectoryLoader: Loader, WorkflowExecute } = require('n8n-core') as typeof import('n8n-core');
const { createDeferredPromise, createRunExecutionData, ICredentialsHelper, NodeHelpers, Workflow } = require('n8n-workflow') as typeof import('n8n-workflow');

export const N8N_PACKAGE_DIR = join(packageRoot, 'integrations/n8n');

/** The built package: `npm run build` (or `npm run build:n8n`) makes it; npm test runs the build first. */
export async function loadN8nPackage(): Promise<{ loader: PackageDirectoryLoader; nodeTypes: INodeTypes }> {
  if (!existsSync(join(N8N_PACKAGE_DIR, 'dist')) || !existsSync(join(N8N_PACKAGE_DIR, 'node_modules/retest-connectors'))) {
    throw new Error('integrations/n8n is not built: run `npm run build` first');
  }
  const loader = new Loader(N8N_PACKAGE_DIR);
  await loader.loadAll();
  // n8n names a community node `<package name>.<node name>`.
  const byName = new Map<string, INodeType | IVersionedNodeType>();
  for (const [name, { type }] of Object.entries(loader.nodeTypes)) byName.set(`${loader.packageName}.${name}`, type);
  const nodeTypes: INodeTypes = {
    getByName: (type) => {
      const found = byName.get(type);
      if (!found) throw new Error(`unknown node type ${type}`);
      return found;
    },
    // Like n8n's Workflow expects: undefined for a type this package does not have (the Manual Trigger of the examples).
    getByNameAndVersion: (type) => byName.get(type) as INodeType,
    getKnownTypes: () => Object.fromEntries([...byName.keys()].map((k) => [k, {}])),
  };
  return { loader, nodeTypes };
}

/** The credentials store, stubbed: decrypted credentials by credential type. */
class TestCredentialsHelper extends ICredentialsHelper {
  constructor(
    private readonly byType: Record<string, ICredentialDataDecryptedObject>,
    private readonly loader: PackageDirectoryLoader,
  ) {
    super();
  }

  getParentTypes(): string[] {
    return [];
  }

  async authenticate(_c: ICredentialDataDecryptedObject, _t: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
    return requestOptions;
  }

  async preAuthentication(): Promise<undefined> {
    return undefined;
  }

  async getCredentials(): Promise<ICredentials> {
    throw new Error('not used: nodes read decrypted credentials');
  }

  async getDecrypted(_a: IWorkflowExecuteAdditionalData, _n: unknown, type: string): Promise<ICredentialDataDecryptedObject> {
    const found = this.byType[type];
    if (!found) throw new Error(`no test credentials for ${type}`);
    return found;
  }

  async updateCredentials(): Promise<void> {}

  async updateCredentialsOauthTokenData(): Promise<void> {}

  getCredentialsProperties(type: string): INodeProperties[] {
    return this.loader.getCredential(type).type.properties;
  }
}

export interface WorkflowRun {
  run: IRun;
  /** Output items of a node's first run, first output. */
  output(nodeName: string): INodeExecutionData[];
  /** The error a node ended with, if any. */
  error(nodeName: string): Error | undefined;
}

/**
 * Executes `workflow` from `startNode` with `items` as that node's input, like
 * n8n's NodeTestHarness does (the trigger itself is not run).
 */
export async function runWorkflow(
  pkg: { loader: PackageDirectoryLoader; nodeTypes: INodeTypes },
  workflow: Pick<IWorkflowBase, 'nodes' | 'connections'> & Partial<IWorkflowBase>,
  options: { startNode: string; items?: INodeExecutionData[]; credentials: Record<string, ICredentialDataDecryptedObject> },
): Promise<WorkflowRun> {
  const instance = new Workflow({
    id: 'test',
    nodes: workflow.nodes,
    connections: workflow.connections,
    nodeTypes: pkg.nodeTypes,
    active: false,
    settings: workflow.settings ?? {},
  });
  const start = instance.getNode(options.startNode);
  if (!start) throw new Error(`no node named ${options.startNode}`);
  const workflowData = { id: 'test', name: workflow.name ?? 'test', nodes: workflow.nodes, connections: workflow.connections } as IWorkflowBase;
  const hooks = new ExecutionLifecycleHooks('manual', '1', workflowData);
  const done = createDeferredPromise<IRun>();
  hooks.addHandler('workflowExecuteAfter', (run) => done.resolve(run));
  const unused = (name: string) => () => {
    throw new Error(`additionalData.${name} is not available in this test`);
  };
  const additionalData = {
    hooks,
    credentialsHelper: new TestCredentialsHelper(options.credentials, pkg.loader),
    executeWorkflow: unused('executeWorkflow'),
    getRunExecutionData: unused('getRunExecutionData'),
    startRunnerTask: unused('startRunnerTask'),
    logAiEvent: () => {},
    currentNodeExecutionIndex: 0,
    restApiUrl: 'http://127.0.0.1:5678/rest',
    instanceBaseUrl: 'http://127.0.0.1:5678',
    formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
    webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
    webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
    webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
    variables: {},
  } as unknown as IWorkflowExecuteAdditionalData;
  const runExecutionData = createRunExecutionData({
    executionData: { nodeExecutionStack: [{ node: start, data: { main: [options.items ?? [{ json: {} }]] }, source: null }] },
  });
  const execute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
  await execute.processRunExecutionData(instance);
  const run = await done.promise;
  const runData = run.data.resultData.runData;
  return {
    run,
    output: (name) => runData[name]?.[0]?.data?.main?.[0] ?? [],
    error: (name) => runData[name]?.[0]?.error as Error | undefined,
  };
}

/**
 * n8n's engine starts two service intervals on first use (SSH client cleanup,
 * cron logging) that a server stops at shutdown; a test process stops them the
 * same way, or it never exits.
 */
export function stopN8nServices(): void {
  const { Container } = require('@n8n/di') as typeof import('@n8n/di');
  const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager') as { SSHClientsManager: new () => { onShutdown(): void } };
  const { ScheduledTaskManager } = require('n8n-core/dist/execution-engine/scheduled-task-manager') as {
    ScheduledTaskManager: new () => { deregisterAllCrons(): void };
  };
  if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
  if (Container.has(ScheduledTaskManager)) Container.get(ScheduledTaskManager).deregisterAllCrons();
}

/**
 * What n8n would find wrong with the package's nodes in a workflow file, by n8n's
 * own parameter resolution (NodeHelpers): an operation the node does not have, a
 * parameter it does not show for that operation (a typo, a renamed field), a
 * required parameter left out. [] when the workflow is valid for this package.
 */
export function workflowProblems(pkg: { loader: PackageDirectoryLoader; nodeTypes: INodeTypes }, workflow: { nodes: INode[] }): string[] {
  const problems: string[] = [];
  for (const node of workflow.nodes) {
    if (!node.type.startsWith(`${pkg.loader.packageName}.`)) continue;
    const type = pkg.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
    if (!type) {
      problems.push(`${node.name}: unknown node type ${node.type}`);
      continue;
    }
    const description = type.description;
    const operations = description.properties
      .filter((p) => p.name === 'operation' && (p.displayOptions?.show?.resource as unknown[] | undefined)?.includes(node.parameters.resource))
      .flatMap((p) => (p.options ?? []).map((o) => (o as { value: unknown }).value));
    if (!operations.includes(node.parameters.operation)) {
      problems.push(`${node.name}: resource ${String(node.parameters.resource)} has no operation ${String(node.parameters.operation)}`);
      continue;
    }
    const resolved = NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description) ?? {};
    for (const [key, value] of Object.entries(node.parameters)) {
      if (!(key in resolved)) {
        problems.push(`${node.name}: parameter ${key} is not a parameter of ${String(node.parameters.operation)}`);
        continue;
      }
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const kept = (resolved[key] ?? {}) as INodeParameters;
        for (const inner of Object.keys(value)) if (!(inner in kept)) problems.push(`${node.name}: ${key}.${inner} is not an option of ${key}`);
      }
    }
    const issues = NodeHelpers.getNodeParametersIssues(description.properties, node, description);
    for (const [name, messages] of Object.entries(issues?.parameters ?? {})) problems.push(`${node.name}: ${name}: ${messages.join('; ')}`);
  }
  return problems;
}
