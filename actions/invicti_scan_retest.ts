/**
 * Scan Retest (Invicti Enterprise): POST /api/1.0/scans/retest.
 * Declared in connector.json; the body is json_body exactly (BaseScanApiModel).
 */
import type { InvictiConnection, InvictiScanRetestInput, InvictiScanRetestOutput } from '../src/generated/types.js';
import { type RunOptions, runAction } from '../src/runtime/run.js';

export const id = 'invicti_scan_retest';

export type Input = InvictiScanRetestInput;
export type Output = InvictiScanRetestOutput;

export function invictiScanRetest(input: Input, connection: InvictiConnection, options?: RunOptions): Promise<Output> {
  return runAction(id, input, connection, options) as Promise<Output>;
}
