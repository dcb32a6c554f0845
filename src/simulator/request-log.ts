/**
 * The simulator's request log, bounded in entries and in bytes: under load
 * (thousands of 1 MiB POSTs) it keeps the latest requests with their bodies
 * cut to a short prefix and their original size, never every body.
 */

/** One request the simulator received; credentials are masked. */
export interface LoggedRequest {
  /** The connection id whose simulated API got the request, or 'none'. */
  vendor: string;
  method: string;
  /** The path and query as received. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body as received (bodies carry no secrets), cut to `maxBodyBytes`. */
  body: string;
  /** The body's size on the wire, in bytes, before any cut. */
  body_bytes: number;
  /** Whether `body` is only the beginning of the body. */
  body_truncated: boolean;
  status: number;
}

export interface RequestLogOptions {
  /** The most entries kept (oldest dropped first). Default 1000. */
  maxEntries?: number;
  /** The most bytes of one body kept. Default 4096. */
  maxBodyBytes?: number;
  /** The most bytes of all kept bodies and paths together (oldest dropped first). Default 1 MiB. */
  maxTotalBytes?: number;
}

export const REQUEST_LOG_DEFAULTS = { maxEntries: 1000, maxBodyBytes: 4096, maxTotalBytes: 1024 * 1024 } as const;

/** The most characters of a path kept. */
const MAX_PATH_CHARS = 2048;

/** What an entry costs against the byte budget. */
function cost(entry: LoggedRequest): number {
  return Buffer.byteLength(entry.body) + Buffer.byteLength(entry.path);
}

export class RequestLog {
  /** The kept entries, oldest first (the array handed out as `Simulator.requests`). */
  readonly entries: LoggedRequest[] = [];
  /** Every request received since start, kept or not. */
  received = 0;
  private bytes = 0;
  readonly maxEntries: number;
  readonly maxBodyBytes: number;
  readonly maxTotalBytes: number;

  constructor(options: RequestLogOptions = {}) {
    this.maxEntries = positive(options.maxEntries, REQUEST_LOG_DEFAULTS.maxEntries, 'maxEntries');
    this.maxBodyBytes = positive(options.maxBodyBytes, REQUEST_LOG_DEFAULTS.maxBodyBytes, 'maxBodyBytes');
    this.maxTotalBytes = positive(options.maxTotalBytes, REQUEST_LOG_DEFAULTS.maxTotalBytes, 'maxTotalBytes');
  }

  add(entry: Omit<LoggedRequest, 'body' | 'body_bytes' | 'body_truncated' | 'path'> & { path: string; body: Buffer; bodyBytes: number }): void {
    const { body, bodyBytes, path, ...rest } = entry;
    const kept = body.subarray(0, this.maxBodyBytes);
    const logged: LoggedRequest = {
      ...rest,
      // A path is client-sized too (up to Node's 16 KiB header limit): cut it.
      path: path.length > MAX_PATH_CHARS ? path.slice(0, MAX_PATH_CHARS) : path,
      body: kept.toString('utf8'),
      body_bytes: bodyBytes,
      body_truncated: bodyBytes > kept.length,
    };
    this.received += 1;
    this.entries.push(logged);
    this.bytes += cost(logged);
    while (this.entries.length > this.maxEntries || (this.bytes > this.maxTotalBytes && this.entries.length > 1)) {
      this.bytes -= cost(this.entries.shift()!);
    }
  }

  /** Bytes of bodies and paths currently kept. */
  get keptBytes(): number {
    return this.bytes;
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`request log ${name} must be a positive integer`);
  return value;
}
