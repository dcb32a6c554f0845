/**
 * A parser for AttackForge's `q` filter text, e.g. `{ is_retest: { $eq: "Yes" } }`:
 * JSON plus unquoted keys (letters, digits, _, $), single-quoted strings and
 * trailing commas. Never eval: a small recursive-descent parser with a bound
 * on length and nesting depth; anything else is a SyntaxError.
 */

export const MAX_FILTER_LENGTH = 4096;
export const MAX_FILTER_DEPTH = 16;

export function parseRelaxedJson(text: string): unknown {
  if (text.length > MAX_FILTER_LENGTH) throw new SyntaxError(`filter longer than ${MAX_FILTER_LENGTH} characters`);
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${at}`);
  };
  const space = () => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
  };
  const string = (): string => {
    const quote = text[at]!;
    at++;
    let out = '';
    while (at < text.length && text[at] !== quote) {
      if (text[at] === '\\') {
        const next = text[at + 1];
        const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\', '/': '/' };
        if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) {
          out += String.fromCharCode(parseInt(text.slice(at + 2, at + 6), 16));
          at += 6;
          continue;
        }
        if (next === undefined || !(next in escapes)) fail('bad escape');
        out += escapes[next!];
        at += 2;
        continue;
      }
      out += text[at];
      at++;
    }
    if (at >= text.length) fail('unterminated string');
    at++;
    return out;
  };
  const key = (): string => {
    if (text[at] === '"' || text[at] === "'") return string();
    const match = /^[A-Za-z_$][A-Za-z0-9_$.]*/.exec(text.slice(at, at + 256));
    if (!match) fail('expected a key');
    at += match![0].length;
    return match![0];
  };
  const value = (depth: number): unknown => {
    if (depth > MAX_FILTER_DEPTH) fail('nested too deeply');
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      space();
      while (text[at] !== '}') {
        const name = key();
        space();
        if (text[at] !== ':') fail("expected ':'");
        at++;
        out[name] = value(depth + 1);
        space();
        if (text[at] === ',') {
          at++;
          space();
        } else if (text[at] !== '}') fail("expected ',' or '}'");
      }
      at++;
      return out;
    }
    if (c === '[') {
      at++;
      const out: unknown[] = [];
      space();
      while (text[at] !== ']') {
        out.push(value(depth + 1));
        space();
        if (text[at] === ',') {
          at++;
          space();
        } else if (text[at] !== ']') fail("expected ',' or ']'");
      }
      at++;
      return out;
    }
    if (c === '"' || c === "'") return string();
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 64));
    if (number) {
      at += number[0].length;
      return Number(number[0]);
    }
    for (const [word, result] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return result;
      }
    }
    return fail(at >= text.length ? 'unexpected end' : `unexpected '${c}'`);
  };
  const result = value(0);
  space();
  if (at !== text.length) fail('unexpected text after the filter');
  return result;
}
