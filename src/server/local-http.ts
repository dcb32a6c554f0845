/**
 * The HTTP server under the MCP Streamable HTTP server and the palette's server: every request goes to one
 * async handler; a handler that fails answers 500 (or closes the socket once its answer has started); a slow or
 * silent client is bounded (10 s for the headers, 60 s for the whole request; an answer may stream longer);
 * resolved once listening, with its base URL; closing ends every connection.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalHttpOptions {
  host: string;
  port: number;
  /** Prefix of a failure's log line, e.g. "palette http". */
  name: string;
  log: (line: string) => void;
  /** The 500 answer, in the server's own error format. */
  internalError: (res: ServerResponse) => void;
}

export interface LocalHttp {
  port: number;
  /** e.g. http://127.0.0.1:8790 or http://[::1]:8790 */
  base: string;
  close(): Promise<void>;
}

export async function listenLocal(options: LocalHttpOptions, handle: (req: IncomingMessage, res: ServerResponse) => Promise<unknown>): Promise<LocalHttp> {
  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log(`${options.name}: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) options.internalError(res);
      else res.destroy();
    });
  });
  http.headersTimeout = 10_000;
  http.requestTimeout = 60_000;
  await new Promise<void>((resolve, rejectListen) => {
    http.once('error', rejectListen);
    http.listen(options.port, options.host, () => {
      http.off('error', rejectListen);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    port,
    base: `http://${hostForUrl}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
