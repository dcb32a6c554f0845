/// <reference lib="dom" />
/**
 * Talking to `retest-connectors palette` (src/palette/server.ts), when the page
 * was served by it: the page's <meta name="palette-mode"> says "server" and its
 * URL carries the token (?token=…). The static build says "static" and never
 * calls out (its Content-Security-Policy forbids it).
 */

// The shapes the server sends (types only: erased from the page's bundle).
import type { MaskedField } from '../../src/palette/server.js';
import type { WaitProgress as Progress } from '../../src/runtime/poll.js';

export type { MaskedField, Progress };

export interface Session {
  connections: Record<string, { title: string; fields: MaskedField[] }>;
}

export interface RunError {
  code: string;
  message: string;
  details?: { field: string; title?: string; message: string }[];
}

export type RunEvent =
  | { type: 'progress'; progress: Progress }
  | { type: 'result'; envelope: Record<string, unknown> & { status_code: number; reason: string }; summary: Record<string, unknown> }
  | { type: 'error'; error: RunError };

export const serverMode = (): boolean => document.querySelector('meta[name="palette-mode"]')?.getAttribute('content') === 'server';

/** The token from the page's own URL (never stored anywhere: a reload reads it again from the URL). */
export const token = (): string => new URLSearchParams(window.location.search).get('token') ?? '';

const authorization = () => ({ Authorization: `Bearer ${token()}` });

export async function fetchSession(): Promise<Session> {
  const response = await fetch('/api/session', { headers: authorization(), cache: 'no-store' });
  if (!response.ok) throw new Error(response.status === 401 ? 'This page was opened without its token: open the URL the palette command printed.' : `The server answered ${response.status}.`);
  return (await response.json()) as Session;
}

/** Posts a run and calls `onEvent` for every line of the answer as it arrives (a wait's progress, then its result). */
export async function runOnServer(action: string, input: unknown, onEvent: (event: RunEvent) => void, signal?: AbortSignal): Promise<void> {
  const response = await fetch('/api/run', {
    method: 'POST',
    headers: { ...authorization(), 'Content-Type': 'application/json' },
    body: JSON.stringify({ action, input }),
    ...(signal ? { signal } : {}),
  });
  if (!response.ok || !response.body) {
    let message = `The server answered ${response.status}.`;
    try {
      message = ((await response.json()) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      /* not JSON */
    }
    onEvent({ type: 'error', error: { code: `HTTP_${response.status}`, message } });
    return;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffered += value;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) onEvent(JSON.parse(line) as RunEvent);
      newline = buffered.indexOf('\n');
    }
    if (done) break;
  }
}

/** A report's bytes as a download link's address (the link names the file). */
export function fileUrl(file: { content_base64: string; content_type?: string }): string {
  const binary = atob(file.content_base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return URL.createObjectURL(new Blob([bytes], { type: file.content_type || 'application/octet-stream' }));
}
