/**
 * RequestNewProjectRetest (AttackForge SSAPI): POST /api/ss/project/{id}/retest/request.
 * Declared in connector.json; path_parameters.id fills the path, json_body is the body.
 */
import type {
  AttackforgeConnection,
  AttackforgeRequestNewProjectRetestInput,
  AttackforgeRequestNewProjectRetestOutput,
} from '../src/generated/types.js';
import { type RunOptions, runAction } from '../src/runtime/run.js';

export const id = 'attackforge_request_new_project_retest';

export type Input = AttackforgeRequestNewProjectRetestInput;
export type Output = AttackforgeRequestNewProjectRetestOutput;

export function attackforgeRequestNewProjectRetest(
  input: Input,
  connection: AttackforgeConnection,
  options?: RunOptions,
): Promise<Output> {
  return runAction(id, input, connection, options) as Promise<Output>;
}
