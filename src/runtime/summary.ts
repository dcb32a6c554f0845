/**
 * A one-glance summary of an envelope, from the action's `summary` declaration
 * in connector.json (label -> JSON Pointer into the envelope). Fields that are
 * absent from this response (Message on a 201, Id on a 400) are left out.
 */
import type { Envelope } from './envelope.js';
import { getAction } from '../contract/manifest.js';
import { resolvePointer } from '../contract/json-pointer.js';

export function summarize(actionId: string, envelope: Envelope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [label, pointer] of Object.entries(getAction(actionId).summary ?? {})) {
    const value = resolvePointer(envelope, pointer);
    if (value !== undefined && value !== null) out[label] = value;
  }
  return out;
}

/** Members that carry a vendor's human message in an error body ({Message}, {error: {message}}, RFC 7807 detail/title …). */
const MESSAGE_KEYS = ['message', 'error_description', 'error', 'errors', 'detail', 'title'];

function messageIn(value: unknown, depth: number): string | undefined {
  if (typeof value === 'string') return value;
  if (depth === 0 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) return messageIn(value[0], depth - 1);
  const keys = Object.keys(value);
  for (const wanted of MESSAGE_KEYS) {
    const key = keys.find((k) => k.toLowerCase() === wanted);
    const found = key === undefined ? undefined : messageIn((value as Record<string, unknown>)[key], depth - 1);
    if (found !== undefined && /\S/.test(found)) return found;
  }
  return undefined;
}

/**
 * The vendor's own words about a response (an error body's Message, a plain-text body's first line),
 * white space collapsed and cut to `maxChars` characters (never inside one); undefined when it has
 * none (an HTML page is markup, not a message). Not neutralised: the caller shows it through its
 * way out (neutralise.ts). Read it from a scrubbed envelope, so a cut cannot split a secret.
 */
export function vendorMessage(envelope: Pick<Envelope, 'json_body' | 'response_text'>, maxChars = 200): string | undefined {
  let text = messageIn(envelope.json_body, 3);
  if (text === undefined && typeof envelope.response_text === 'string' && !/^\s*</.test(envelope.response_text)) {
    text = envelope.response_text.slice(0, 4 * maxChars).split(/[\r\n]/).find((line) => /\S/.test(line));
  }
  if (text === undefined) return undefined;
  const collapsed = text.slice(0, 4 * maxChars).replace(/\s+/g, ' ').trim();
  if (collapsed === '') return undefined;
  const chars = Array.from(collapsed);
  return chars.length <= maxChars ? collapsed : `${chars.slice(0, maxChars).join('')}…`;
}
