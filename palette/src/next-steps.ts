/**
 * The steps connector.json declares after an action (`next`: a retest is followed by a wait, a finished wait by
 * its report), with the input this run fills in for each. A step is offered once the run succeeded (a 2xx; for a
 * wait, outcome completed) and every source it names has a value in what was sent or what came back.
 */
import type { Action, NextStep } from '../../src/generated/types.js';
import { pointerTokens, resolvePointer } from '../../src/contract/json-pointer.js';

export interface OfferedStep {
  step: NextStep;
  /** The next action's input, with the fields this run fills in. */
  input: Record<string, unknown>;
}

/** `value` placed at `pointer` in `target`, creating the objects on the way. */
function place(target: Record<string, unknown>, pointer: string, value: unknown): void {
  const tokens = pointerTokens(pointer);
  let node = target;
  for (const token of tokens.slice(0, -1)) {
    const child = node[token];
    node = (node[token] = child && typeof child === 'object' && !Array.isArray(child) ? child : {}) as Record<string, unknown>;
  }
  node[tokens[tokens.length - 1]!] = value;
}

export function offeredSteps(action: Action, input: unknown, envelope: { status_code: number; wait?: unknown }): OfferedStep[] {
  const succeeded = envelope.status_code >= 200 && envelope.status_code <= 299;
  const wait = envelope.wait as { outcome?: string } | undefined;
  if (!succeeded || (wait !== undefined && wait.outcome !== 'completed')) return [];
  const run = { input, envelope };
  const offered: OfferedStep[] = [];
  for (const step of action.next ?? []) {
    const next: Record<string, unknown> = {};
    let complete = true;
    for (const [target, source] of Object.entries(step.input)) {
      const value = resolvePointer(run, source);
      if (value === undefined || value === null || value === '') complete = false;
      else place(next, target, value);
    }
    if (complete) offered.push({ step, input: next });
  }
  return offered;
}
