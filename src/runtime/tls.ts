/**
 * TLS trust for a connection: certificates are verified by default; ca_file
 * adds a private CA for on-premises hosts; verify_ssl: false is an explicit
 * opt-out that says so on stderr.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import tls from 'node:tls';
import { ConnectorError } from '../contract/errors.js';

export const MAX_CA_FILE_BYTES = 1024 * 1024;

function caFileProblem(message: string): ConnectorError {
  return new ConnectorError('CONFIG_INVALID', `Invalid connection: connection.ca_file ${message}`, [{ field: 'connection.ca_file', message }]);
}

/**
 * The file's text, read only if it is a regular file of at most
 * MAX_CA_FILE_BYTES: a FIFO, a device (/dev/zero) or a directory is refused
 * without reading from it. Opened non-blocking, so a FIFO without a writer
 * cannot hang the call; the size is checked on the open descriptor, and no
 * more than the cap + 1 byte is ever read.
 */
function readCaFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw caFileProblem(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw caFileProblem('is not a regular file (a PEM file is expected, not a device, FIFO or directory)');
    if (stat.size > MAX_CA_FILE_BYTES) throw caFileProblem(`is too large (${stat.size} bytes, limit ${MAX_CA_FILE_BYTES})`);
    const buffer = Buffer.alloc(MAX_CA_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > MAX_CA_FILE_BYTES) throw caFileProblem(`is too large (more than ${MAX_CA_FILE_BYTES} bytes)`);
    }
    return buffer.toString('utf8', 0, length);
  } catch (error) {
    if (error instanceof ConnectorError) throw error;
    throw caFileProblem(`cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  } finally {
    closeSync(fd);
  }
}

/**
 * The CAs to trust with ca_file set: Node's bundled public roots plus the
 * file's certificates (Node's `ca` option replaces the defaults, so they are
 * added back; a proxy or a public host behind the same connection still works).
 */
export function loadCaBundle(path: string): string[] {
  const pem = readCaFile(path);
  const certificates = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!certificates) {
    throw new ConnectorError('CONFIG_INVALID', 'Invalid connection: connection.ca_file contains no PEM certificate', [
      { field: 'connection.ca_file', message: 'contains no PEM certificate (-----BEGIN CERTIFICATE-----)' },
    ]);
  }
  return [...tls.rootCertificates, ...certificates];
}

const warnedOrigins = new Set<string>();

/** Once per process and origin: a warning on stderr that certificate verification is off. */
export function warnVerificationOff(url: string): void {
  const origin = new URL(url).origin;
  if (warnedOrigins.has(origin)) return;
  warnedOrigins.add(origin);
  process.emitWarning(
    `TLS certificate verification is OFF for ${origin} (verify_ssl: false). Anyone on the network path can read and alter this traffic, credentials included. Prefer ca_file or NODE_EXTRA_CA_CERTS.`,
    { type: 'SecurityWarning', code: 'RETEST_VERIFY_SSL_OFF' },
  );
}
