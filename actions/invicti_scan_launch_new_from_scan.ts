/**
 * Launch New Scan from Scan (Invicti Enterprise): POST /api/1.0/scans/newfromscan.
 * Declared in connector.json; data_body.id goes on the wire as a bare JSON string,
 * as the vendor's Swagger declares (`id` in: body, type string).
 */
import type {
  InvictiConnection,
  InvictiScanLaunchNewFromScanInput,
  InvictiScanLaunchNewFromScanOutput,
} from '../src/generated/types.js';
import { type RunOptions, runAction } from '../src/runtime/run.js';

export const id = 'invicti_scan_launch_new_from_scan';

export type Input = InvictiScanLaunchNewFromScanInput;
export type Output = InvictiScanLaunchNewFromScanOutput;

export function invictiScanLaunchNewFromScan(input: Input, connection: InvictiConnection, options?: RunOptions): Promise<Output> {
  return runAction(id, input, connection, options) as Promise<Output>;
}
