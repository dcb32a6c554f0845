/**
 * TLS trust for a connection: certificates are verified by default; ca_file
 * adds a private CA for on-premises hosts; verify_ssl: false is an explicit
 * opt-out that says so on stderr.
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { ConnectorError } from '../contract/errors.js';

/**
 * The CAs to trust with ca_file set: Node's bundled public roots plus the
 * file's certificates (Node's `ca` option replaces the defaults, so they are
 * added back; a proxy or a public host behind the same connection still works).
 */
export function loadCaBundle(path: string): string[] {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConnectorError('CONFIG_INVALID', `Invalid connection: connection.ca_file cannot be read (${reason})`, [
      { field: 'connection.ca_file', message: `cannot be read (${reason})` },
    ]);
  }
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
