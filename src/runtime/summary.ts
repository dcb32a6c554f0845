/**
 * A one-glance summary of an envelope, from the action's `summary` declaration
 * in connector.json (label -> JSON Pointer into the envelope). Fields that are
 * absent from this response (Message on a 201, Id on a 400) are left out.
 */
import type { Envelope } from './envelope.js';
import { getAction } from '../contract/manifest.js';
import { resolvePointer } from './request.js';

export function summarize(actionId: string, envelope: Envelope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [label, pointer] of Object.entries(getAction(actionId).summary ?? {})) {
    const value = resolvePointer(envelope, pointer);
    if (value !== undefined && value !== null) out[label] = value;
  }
  return out;
}
