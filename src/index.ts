/**
 * retest-connectors: the library entry point.
 *
 *   import { runAction, manifest } from 'retest-connectors';
 *   const envelope = await runAction('invicti_scan_retest', input, connection);
 */
export { runAction, dryRun, prepareAction, type RunOptions, type PreparedAction, type WaitProgress } from './runtime/run.js';
export { manifest, actionIds, getAction, type ActionDeclaration, type ConnectionDeclaration, type ConnectorManifest } from './contract/manifest.js';
export { ConnectorError, isConnectorError, ERROR_CODES, type ErrorCode, type FieldProblem } from './contract/errors.js';
export { summarize } from './runtime/summary.js';
export { bundleSchema } from './contract/bundle.js';
export type { Envelope } from './runtime/envelope.js';
export type { PreparedRequest } from './runtime/request.js';
export type { Transport, TransportResponse, TransportOptions } from './runtime/transport.js';
export type * from './generated/types.js';
export { invictiScanRetest } from '../actions/invicti_scan_retest.js';
export { invictiScanLaunchNewFromScan } from '../actions/invicti_scan_launch_new_from_scan.js';
export { attackforgeRequestNewProjectRetest } from '../actions/attackforge_request_new_project_retest.js';
