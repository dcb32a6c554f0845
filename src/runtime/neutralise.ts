/**
 * The one neutralising rule for text a server sent that a person will read or
 * that becomes a file name. The characters it covers are those a terminal or a
 * text renderer acts on rather than shows:
 *   - C0 controls and DEL (ESC starts every terminal escape sequence, BEL, CR…);
 *   - C1 controls U+0080-U+009F (U+009B is a one-character CSI, U+0085 a line break);
 *   - the line and paragraph separators U+2028, U+2029;
 *   - bidi controls: embeddings and overrides U+202A-U+202E, isolates
 *     U+2066-U+2069, marks U+200E, U+200F, U+061C ("invoice\u202Efdp.exe" shows
 *     as "invoiceexe.pdf").
 * Each way out applies the same set:
 *   - a human line (stderr) shows each one escaped: escapeControls;
 *   - JSON on stdout keeps the same value with each one as a \u escape: terminalSafeJson;
 *   - a file name drops them: stripControls.
 */

/** The characters the rule covers (see the file comment). Not global: safe to `.test()` repeatedly. */
export const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE_TEXT.source, 'g');
/** Those JSON.stringify leaves raw (it escapes C0 itself). */
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text for a human line: every covered character shown as an escape (`\x1b`,
 * `\u202e`), so a reason phrase such as "\x1b[2J…" cannot clear the screen or
 * recolour what follows, and a line stays one line.
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE_ALL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A JSON text with every covered character as a \u escape: the same JSON value, safe to print. */
export function terminalSafeJson(json: string): string {
  return json.replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text with every covered character removed (file names). */
export function stripControls(text: string): string {
  return text.replace(UNSAFE_ALL, '');
}
