/**
 * The formats the generated validators check (ajv-formats' full set), with one
 * shortcut: a plain http(s) URL, i.e. a host, an optional port and a path made of
 * RFC 3986 unreserved characters only, is a URI by RFC 3986's grammar, so it is
 * accepted without running ajv-formats' `uri` expression. That expression is
 * large: its first use costs a CLI run ~2.5 ms. Anything else still goes to
 * ajv-formats, so `uri` accepts exactly the strings ajv-formats accepts
 * (tests/unit/formats.test.ts checks it on generated URLs and arbitrary text).
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';

const PLAIN_HTTP_URL = /^https?:\/\/[A-Za-z0-9._~-]+(?::[0-9]{1,5})?(?:\/[A-Za-z0-9._~-]*)*$/;
const fullUri = fullFormats.uri as (text: string) => boolean;

export function uri(text: string): boolean {
  return PLAIN_HTTP_URL.test(text) || fullUri(text);
}

export const formats = { ...fullFormats, uri };
