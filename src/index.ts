/**
 * retest-connectors: the library entry point.
 *
 *   import { runAction, manifest } from 'retest-connectors';
 *   const envelope = await runAction(actionId, input, connection);
 */
export { runAction, dryRun, prepareAction, type RunOptions, type PreparedAction, type WaitProgress } from './runtime/run.js';
export { manifest, actionIds, getAction, type ActionDeclaration, type ConnectionDeclaration, type ConnectorManifest } from './contract/manifest.js';
export { ConnectorError, isConnectorError, ERROR_CODES, type ErrorCode, type FieldProblem } from './contract/errors.js';
export { summarize } from './runtime/summary.js';
export { problemLine } from './contract/validation.js';
export { bundleSchema } from './contract/bundle.js';
export type { Envelope } from './runtime/envelope.js';
export type { PreparedRequest } from './runtime/request.js';
export type { Transport, TransportResponse, TransportOptions } from './runtime/transport.js';
export type * from './generated/types.js';
// One typed function per declared action, generated from connector.json (actions/index.ts).
export * from '../actions/index.js';
