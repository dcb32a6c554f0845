/**
 * The guards of a local HTTP server (the MCP Streamable HTTP server, the palette's server): loopback
 * names for Host and Origin (DNS rebinding), and a bearer token compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Loopback host names: the HTTP transport's default, and what may skip an explicit token. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The host name of a Host header (`127.0.0.1:8788`, `[::1]:8788`, `localhost`). */
export function hostNameOf(hostHeader: string): string {
  const bracketed = /^(\[[^\]]+\])(:\d+)?$/.exec(hostHeader);
  if (bracketed) return bracketed[1]!;
  return hostHeader.replace(/:\d+$/, '');
}

/** An absent Origin (not a browser) or a loopback one (a local web client) may call; anything else is a page elsewhere. */
export function originAllowed(origin: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

export function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // Compared as digests: equal length whatever was sent, so the comparison's time tells nothing.
  return match !== null && timingSafeEqual(digest(match[1]!), expected);
}
