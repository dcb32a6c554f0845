/**
 * Bodies that are files (reports): an action whose manifest entry declares
 * `response.file` gets, on a 2xx, the envelope's `file` member
 * { file_name, content_type, size_bytes, content_base64 } besides the usual
 * members. The name comes from Content-Disposition (filename* per RFC 6266 /
 * RFC 5987 first, then filename=), scrubbed of secrets and made safe to use as a file name; without
 * one it is derived from the action and its input:
 * <action id>-<scan id>.<format>.
 */
import type { ActionDeclaration } from '../contract/manifest.js';
import type { Envelope } from './envelope.js';
import { stripControls } from './neutralise.js';
import { holdsSecret, redact, redactServerText } from './redact.js';
import { resolvePointer } from '../contract/json-pointer.js';

/** The envelope's file member, as the generated Envelope type (schemas/shared/envelope.json) declares it. */
export type EnvelopeFile = NonNullable<Envelope['file']>;

/** File systems limit a name to 255 bytes (ext4, XFS, APFS; NTFS counts 255 UTF-16 units, which 255 bytes never exceed). */
export const MAX_NAME_BYTES = 255;

/** `text` cut to at most `maxBytes` bytes of UTF-8, never inside a character (a surrogate pair stays whole). */
export function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    out += char;
  }
  return out;
}

/** The name rule proper: last path component, no controls (neutralise.ts), no characters file systems refuse, no edge dots or spaces. */
function cleanName(raw: string): string {
  // Keep only what follows the last separator (a server may send a full path), then drop what a file system or a terminal chokes on.
  const base = raw.split(/[/\\]/).pop() ?? '';
  return stripControls(base)
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^[\s.]+/, '')
    .replace(/[\s.]+$/, '')
    .trim();
}

/**
 * A name that is safe as one path component: no secret of `secrets` in any spelling (redact.ts), no
 * separators, no control or bidi characters (neutralise.ts), not "." or "..", at most 255 bytes of
 * UTF-8 cut on a character boundary, its extension kept.
 */
export function sanitizeFileName(raw: string, secrets: readonly string[] = []): string | undefined {
  // Scrubbed before the rule (a secret with "/" would otherwise be cut in half by the separator split) and
  // after it (a secret split by a removed control character is whole again); the mask's "*" becomes "_".
  let cleaned = cleanName(secrets.length > 0 ? redactServerText(raw, secrets) : raw);
  if (secrets.length > 0 && holdsSecret(cleaned, secrets)) cleaned = cleanName(redact(cleaned, secrets));
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return undefined;
  if (Buffer.byteLength(cleaned, 'utf8') <= MAX_NAME_BYTES) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 && cleaned.length - dot <= 16 ? cleaned.slice(dot) : '';
  return cutToBytes(extension ? cleaned.slice(0, dot) : cleaned, MAX_NAME_BYTES - Buffer.byteLength(extension, 'utf8')) + extension;
}

function decodeExtValue(value: string): string | undefined {
  // RFC 5987 ext-value: charset'language'percent-encoded-octets
  const match = /^([A-Za-z0-9!#$%&+^_`{}~-]*)'[A-Za-z0-9-]*'(.*)$/.exec(value.trim());
  if (!match) return undefined;
  const charset = match[1]!.toLowerCase();
  const bytes: number[] = [];
  const text = match[2]!;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i) & 0xff);
    }
  }
  const buffer = Buffer.from(bytes);
  if (charset === 'utf-8' || charset === '') return buffer.toString('utf8');
  if (charset === 'iso-8859-1') return buffer.toString('latin1');
  return undefined;
}

/** The file name a Content-Disposition header carries (filename* wins over filename), unsanitised; undefined when none. */
export function fileNameFromContentDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const params = new Map<string, string>();
  // name=token | name="quoted string"; parameters after the disposition type.
  const re = /;\s*([A-Za-z0-9!#$&+.^_`|~-]+\*?)\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]*)/g;
  for (let m = re.exec(header); m; m = re.exec(header)) {
    const name = m[1]!.toLowerCase();
    const value = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2]!.trim();
    if (!params.has(name)) params.set(name, value);
  }
  const extended = params.get('filename*');
  if (extended !== undefined) {
    const decoded = decodeExtValue(extended);
    if (decoded) return decoded;
  }
  return params.get('filename') || undefined;
}

const EXTENSION_BY_TYPE: Record<string, string> = {
  'application/pdf': 'pdf',
  'text/html': 'html',
  'text/csv': 'csv',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'text/plain': 'txt',
  'application/json': 'json',
};

/** The fallback name: <action id>-<name parts>.<extension>, e.g. <action id>-af6d0ffd-….pdf. */
export function derivedFileName(action: ActionDeclaration, input: unknown, contentType: string, secrets: readonly string[] = []): string {
  const declaration = action.response?.file;
  const parts = (declaration?.name_parts ?? [])
    .map((pointer) => resolvePointer(input, pointer))
    .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
    .map(String);
  const fromInput = declaration ? resolvePointer(input, declaration.extension.source) : undefined;
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  const extension = typeof fromInput === 'string' && fromInput !== '' ? fromInput.toLowerCase() : (EXTENSION_BY_TYPE[mime] ?? declaration?.extension.default ?? 'bin');
  return sanitizeFileName(`${[action.id, ...parts].join('-')}.${extension}`, secrets) ?? `${action.id}.${extension}`;
}

const TEXT_TYPE = /^(text\/|application\/([a-z0-9.+-]*\+)?(xml|csv)\b)/i;

/** Whether a file of this type is text worth keeping as response_text too (HTML, CSV, XML, TXT). */
export function isTextType(contentType: string): boolean {
  return TEXT_TYPE.test(contentType.trim());
}

/**
 * The name and type of a file action's 2xx body, from its headers (`header` looks one up by its
 * lower-case name): the same whether the body is kept in the envelope or streamed to disk (file-sink.ts).
 */
export function describeFile(
  header: (name: string) => string | undefined,
  action: ActionDeclaration,
  input: unknown,
  secrets: readonly string[] = [],
): { file_name: string; content_type: string } {
  const contentType = header('content-type') || 'application/octet-stream';
  const fromHeader = fileNameFromContentDisposition(header('content-disposition'));
  // The name is text the server sent: scrubbed of the connection's secrets like every other string.
  const file_name = (fromHeader !== undefined ? sanitizeFileName(fromHeader, secrets) : undefined) ?? derivedFileName(action, input, contentType, secrets);
  return { file_name, content_type: contentType };
}

/**
 * The envelope of a file action's 2xx response: `file` with the bytes in base64;
 * a JSON file keeps json_body as parsed, a text file keeps response_text, a
 * binary one has json_body null and no response_text.
 */
export function withFile(envelope: Envelope, body: Buffer, action: ActionDeclaration, input: unknown, secrets: readonly string[] = []): Envelope {
  const header = (name: string) => Object.entries(envelope.response_headers).find(([n]) => n.toLowerCase() === name)?.[1];
  const { file_name, content_type: contentType } = describeFile(header, action, input, secrets);
  const file: EnvelopeFile = { file_name, content_type: contentType, size_bytes: body.length, content_base64: body.toString('base64') };
  const { response_text, ...rest } = envelope;
  const keepText = response_text !== undefined && isTextType(contentType);
  return { ...rest, ...(keepText ? { response_text } : {}), file };
}
