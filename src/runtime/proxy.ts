/**
 * Which forward proxy a request goes through. The connection's http_proxy wins;
 * otherwise the conventional environment variables apply: HTTPS_PROXY for https
 * targets, HTTP_PROXY for http targets (the lower-case spelling wins when both
 * are set, as in curl and Python), and NO_PROXY lists hosts that bypass them.
 */

export interface ProxyChoice {
  /** The proxy URL, or undefined for a direct connection. */
  url: string | undefined;
  /** Where it came from, for messages. */
  source: 'connection' | 'environment' | 'none';
}

type Env = Readonly<Record<string, string | undefined>>;

function envValue(env: Env, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value && value.trim() !== '' ? value.trim() : undefined;
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/**
 * True when NO_PROXY names the target: `*`, an exact host, a domain suffix
 * (`.example.com` or `example.com` both match `api.example.com`), each with
 * an optional `:port`.
 */
export function bypassesProxy(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || defaultPort(target.protocol);
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!match) continue;
    const pattern = match[1]!.replace(/^\[|\]$/g, '').replace(/^\*?\./, '');
    if (match[2] && match[2] !== port) continue;
    if (host === pattern || host.endsWith(`.${pattern}`)) return true;
  }
  return false;
}

/** The proxy for a request to `targetUrl`; `env` defaults to process.env, read on every call. */
export function chooseProxy(targetUrl: string, connectionProxy: string | undefined, env: Env = process.env): ProxyChoice {
  if (connectionProxy) return { url: connectionProxy, source: 'connection' };
  const target = new URL(targetUrl);
  const fromEnv = envValue(env, target.protocol === 'https:' ? 'https_proxy' : 'http_proxy');
  if (!fromEnv || bypassesProxy(target, envValue(env, 'no_proxy'))) return { url: undefined, source: 'none' };
  // "proxy.example.com:3128" without a scheme is common in the wild: it means http.
  return { url: /^[a-z][a-z0-9+.-]*:\/\//i.test(fromEnv) ? fromEnv : `http://${fromEnv}`, source: 'environment' };
}

/** The secret parts of a proxy URL (its password, raw and decoded), to keep out of messages. */
export function proxySecrets(proxyUrl: string | undefined): string[] {
  if (!proxyUrl) return [];
  let password = '';
  try {
    password = new URL(proxyUrl).password;
  } catch {
    return [];
  }
  if (!password) return [];
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    /* keep the raw form */
  }
  return [...new Set([password, decoded])];
}

/** A proxy URL as it may be shown: scheme, host and port only. */
export function describeProxy(proxyUrl: string): string {
  try {
    const url = new URL(proxyUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(unparseable proxy URL)';
  }
}
