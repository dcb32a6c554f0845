/**
 * Real loopback servers for transport tests (127.0.0.1 only): each records
 * what reached it, and closes every socket it opened when the test is done.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { createProxy } from 'proxy';
import { packageRoot } from '../../src/contract/package-root.js';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Date.now() when the request's body had arrived. */
  at: number;
}

export interface LoopbackServer {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  requests: SeenRequest[];
  /** Sockets the server saw close, in order (for "did the client hang up?"). */
  closedSockets: number;
  close(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: SeenRequest, index: number) => void;

export const tlsFixture = (name: string) => join(packageRoot, 'tests/fixtures/tls', name);

function track(server: net.Server): { sockets: Set<net.Socket>; closed: () => number } {
  const sockets = new Set<net.Socket>();
  let closed = 0;
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      closed += 1;
    });
  });
  // TLS servers hand out TLSSockets on 'secureConnection'; the raw socket is tracked above.
  return { sockets, closed: () => closed };
}

async function listen(server: net.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return (server.address() as net.AddressInfo).port;
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

/** An HTTP (or, with `tls`, HTTPS) server that records each request and answers with `handler`; `port` reuses a known port (a restart). */
export async function startServer(handler: Handler, options: { tls?: boolean; port?: number; requests?: SeenRequest[] } = {}): Promise<LoopbackServer> {
  const requests: SeenRequest[] = options.requests ?? [];
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(seen);
      handler(req, res, seen, requests.length - 1);
    });
  };
  const server = options.tls
    ? https.createServer({ key: readFileSync(tlsFixture('server.key')), cert: readFileSync(tlsFixture('server.pem')) }, onRequest)
    : http.createServer(onRequest);
  const tracked = track(server);
  const port = await listen(server, options.port);
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    get closedSockets() {
      return tracked.closed();
    },
    close: closer(server, tracked.sockets),
  };
}

/** Answers every request with a fixed status, headers and body. */
export function reply(status: number, body = '', headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Length': String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  };
}

/** Accepts connections and reads requests, but never answers. */
export async function startSilentServer(): Promise<LoopbackServer> {
  return startServer(() => {
    /* never answers */
  });
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface LoopbackProxy {
  url: string;
  /** "host:port" of every CONNECT tunnel and absolute-URI request the proxy handled. */
  targets: string[];
  close(): Promise<void>;
}

/** A forward proxy (the `proxy` package) on 127.0.0.1 that records where it was asked to connect. */
export async function startProxy(): Promise<LoopbackProxy> {
  const server = createProxy(http.createServer());
  const targets: string[] = [];
  server.prependListener('connect', (req: http.IncomingMessage) => targets.push(req.url ?? ''));
  server.prependListener('request', (req: http.IncomingMessage) => targets.push(req.url ?? ''));
  const tracked = track(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, targets, close: closer(server, tracked.sockets) };
}
