/**
 * Which forward proxy a request goes through. The connection's http_proxy wins;
 * otherwise the conventional environment variables apply: HTTPS_PROXY for https
 * targets, HTTP_PROXY for http targets (the lower-case spelling wins when both
 * are set, as in curl and Python), and NO_PROXY lists hosts that bypass them.
 * The tunnel itself (CONNECT, for http and https targets) is opened here too,
 * under a hard deadline.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type net from 'node:net';
import type tls from 'node:tls';
import { ConnectorError } from '../contract/errors.js';

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

/** The variables a proxy may come from (chooseProxy reads them): their passwords are secrets whichever applies. */
const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY'] as const;

/** The proxy variables' values as one string: a key that changes whenever one of them does. */
export function environmentProxyKey(env: Env = process.env): string {
  let key = '';
  for (const name of PROXY_VARIABLES) key += `${env[name] ?? ''}\n`;
  return key;
}

/**
 * The passwords of the environment's proxies (HTTP_PROXY, HTTPS_PROXY, either spelling), raw and decoded:
 * secrets exactly like connection.http_proxy's, whether or not this request goes through them.
 */
export function environmentProxySecrets(env: Env = process.env): string[] {
  const out: string[] = [];
  for (const name of PROXY_VARIABLES) {
    const value = env[name]?.trim();
    if (!value) continue;
    out.push(...proxySecrets(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`));
  }
  return [...new Set(out)];
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

/**
 * A proxy URL checked before anything is sent: an http(s) URL with a host and,
 * if given, a port in 1–65535. `field` names where it came from
 * (connection.http_proxy, HTTPS_PROXY …). The message never repeats the value:
 * it may hold a password.
 */
export function checkProxyUrl(value: string, field: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const fail = (message: string): never => {
    throw new ConnectorError('CONFIG_INVALID', `Invalid proxy: ${field} ${message}`, [{ field, message }]);
  };
  if (!url) {
    // new URL() also refuses a port past 65535: say what is most likely wrong.
    const port = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/]*):([^/]*)/i.exec(value)?.[1];
    if (port !== undefined && !/^\d{1,5}$/.test(port)) return fail('has an invalid port (must be 1-65535)');
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return fail('has an invalid port (must be 1-65535)');
    return fail('is not a valid URL (expected http://host:port)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('must be an http(s) URL, e.g. http://proxy.example.com:3128');
  if (!url.hostname) return fail('has no host');
  if (url.port === '0') return fail('has an invalid port (must be 1-65535)');
  return url;
}

/** Options of the tunnelling agents: the proxy, TLS settings for the target (and an https proxy), and the CONNECT deadline. */
export interface TunnelAgentOptions extends https.AgentOptions {
  proxy: URL;
  /** Hard limit for the CONNECT exchange (TCP, TLS to an https proxy, the proxy's answer), in ms. */
  connectTimeoutMs: number;
}

/**
 * Opens a CONNECT tunnel through `proxy` to host:port, under a hard deadline
 * (a timer, not an idle timeout: a proxy that trickles bytes cannot stretch
 * it). Calls back once, with the tunnelled socket or an error.
 */
function openTunnel(
  agentOptions: TunnelAgentOptions,
  keepAlive: boolean,
  target: { host?: string | null; port?: number | string | null },
  callback: (error: Error | null, socket?: net.Socket) => void,
): void {
  const { proxy, connectTimeoutMs } = agentOptions;
  const authority = `${target.host}:${target.port}`;
  const headers: Record<string, string> = { host: authority, connection: keepAlive ? 'keep-alive' : 'close' };
  if (proxy.username || proxy.password) {
    const user = safeDecode(proxy.username);
    const pass = safeDecode(proxy.password);
    headers['proxy-authorization'] = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  const options: https.RequestOptions = {
    method: 'CONNECT',
    host: proxy.hostname.replace(/^\[|\]$/g, ''),
    port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
    path: authority,
    setHost: false,
    headers,
    agent: false,
  };
  if (proxy.protocol === 'https:') {
    // SNI carries host names only (RFC 6066): none for a proxy given by IP address.
    if (!isIP(options.host as string)) options.servername = proxy.hostname;
    if (agentOptions.ca) options.ca = agentOptions.ca;
    if (agentOptions.rejectUnauthorized === false) options.rejectUnauthorized = false;
  }
  let settled = false;
  const finish = (error: Error | null, socket?: net.Socket) => {
    if (settled) {
      socket?.destroy();
      return;
    }
    settled = true;
    clearTimeout(timer);
    callback(error, socket);
  };
  const request = (proxy.protocol === 'https:' ? https : http).request(options);
  const timer = setTimeout(() => {
    const error = Object.assign(new Error(`proxy CONNECT timed out after ${connectTimeoutMs} ms`), { code: 'ETIMEDOUT' });
    request.destroy(error);
    finish(error);
  }, connectTimeoutMs);
  request.once('connect', (response: http.IncomingMessage, socket: net.Socket) => {
    request.removeAllListeners();
    request.on('error', () => {});
    if (response.statusCode === 200) return finish(null, socket);
    socket.destroy();
    finish(new Error(`Bad response: ${response.statusCode}`));
  });
  request.once('error', (error) => finish(error));
  request.end();
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Plain-http targets through a CONNECT tunnel. */
export class HttpTunnelAgent extends http.Agent {
  private readonly tunnel: TunnelAgentOptions;

  constructor(options: TunnelAgentOptions) {
    const { proxy: _proxy, connectTimeoutMs: _ms, ...agentOptions } = options;
    super(agentOptions);
    this.tunnel = options;
  }

  override createConnection(options: net.NetConnectOpts & { host?: string; port?: number }, callback?: (error: Error | null, socket: net.Socket) => void): net.Socket {
    openTunnel(this.tunnel, this.keepAlive, options, (error, socket) => callback?.(error, socket as net.Socket));
    return undefined as unknown as net.Socket;
  }

  declare keepAlive: boolean;
}

/** https targets: TLS to the target inside a CONNECT tunnel. */
export class HttpsTunnelAgent extends https.Agent {
  private readonly tunnel: TunnelAgentOptions;

  constructor(options: TunnelAgentOptions) {
    const { proxy: _proxy, connectTimeoutMs: _ms, ...agentOptions } = options;
    super(agentOptions);
    this.tunnel = options;
  }

  override createConnection(options: tls.ConnectionOptions, callback?: (error: Error | null, socket: net.Socket) => void): net.Socket {
    openTunnel(this.tunnel, this.keepAlive, options, (error, socket) => {
      if (error || !socket) return callback?.(error ?? new Error('no tunnel'), undefined as unknown as net.Socket);
      // super.createConnection is tls.connect over the tunnelled socket.
      callback?.(null, (https.Agent.prototype as unknown as { createConnection: (o: tls.ConnectionOptions) => net.Socket }).createConnection.call(this, { ...options, socket }));
    });
    return undefined as unknown as net.Socket;
  }

  declare keepAlive: boolean;
}
