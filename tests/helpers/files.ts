// Checks that a report's bytes really are what their format says: a PDF whose
// cross-reference table points at its objects, CSV that parses into rows,
// well-formed XML. Small and strict on purpose: no parser dependency to trust.

/** Problems of a PDF file ([] when it is valid): header, trailer, startxref, and every xref offset. */
export function pdfProblems(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  const problems: string[] = [];
  if (!text.startsWith('%PDF-1.')) problems.push('does not start with %PDF-1.');
  if (!/%%EOF\s*$/.test(text)) problems.push('does not end with %%EOF');
  const start = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text);
  if (!start) return [...problems, 'no startxref'];
  const xrefAt = Number(start[1]);
  if (text.slice(xrefAt, xrefAt + 4) !== 'xref') return [...problems, `startxref ${xrefAt} does not point at "xref"`];
  const header = /^xref\n(\d+) (\d+)\n/.exec(text.slice(xrefAt));
  if (!header) return [...problems, 'malformed xref header'];
  const [first, count] = [Number(header[1]), Number(header[2])];
  let at = xrefAt + header[0].length;
  for (let n = first; n < first + count; n++) {
    const entry = text.slice(at, at + 20);
    const match = /^(\d{10}) (\d{5}) ([nf])(?: \n|\r\n)$/.exec(entry);
    if (!match) {
      problems.push(`xref entry ${n} is not 20 bytes "nnnnnnnnnn ggggg n \\n": ${JSON.stringify(entry)}`);
      break;
    }
    if (match[3] === 'n' && !text.startsWith(`${n} ${Number(match[2])} obj`, Number(match[1]))) problems.push(`xref entry ${n} points at byte ${match[1]}, not at "${n} 0 obj"`);
    at += 20;
  }
  const trailer = /trailer\s*<<([^]*?)>>/.exec(text.slice(at));
  if (!trailer || !/\/Size (\d+)/.test(trailer[1]!) || Number(/\/Size (\d+)/.exec(trailer[1]!)![1]) !== first + count) problems.push('trailer /Size does not match the xref');
  if (!trailer || !/\/Root \d+ 0 R/.test(trailer[1]!)) problems.push('trailer has no /Root');
  for (const stream of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
    const end = stream.index! + stream[0].length + Number(stream[1]);
    if (text.slice(end, end + 10) !== '\nendstream') problems.push(`a stream's /Length ${stream[1]} does not reach endstream`);
  }
  return problems;
}

/** RFC 4180 CSV into rows of fields; throws on a malformed quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && field === '') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') throw new Error(`text after a closing quote at ${i}`);
      continue;
    }
    if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (c === '"') {
      throw new Error(`a quote inside an unquoted field at ${i}`);
    } else {
      field += c;
    }
    i++;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Problems of an XML document ([] when well-formed): one root, tags balanced, attributes quoted, only known entities. */
export function xmlProblems(text: string): string[] {
  const problems: string[] = [];
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<&]*(?:&(?:amp|lt|gt|quot|apos|#\d+);[^"<&]*)*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of body.matchAll(token)) {
    const [, closing, name, , selfClosing, textPart, stray] = m;
    if (stray) {
      problems.push(`stray "<" at ${m.index}`);
      continue;
    }
    if (textPart !== undefined) {
      if (stack.length === 0 && textPart.trim() !== '') problems.push('text outside the root element');
      const bad = textPart.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, '');
      if (bad.includes('&')) problems.push(`unescaped "&" in ${JSON.stringify(textPart.slice(0, 40))}`);
      if (bad.includes('>')) problems.push(`unescaped ">" in text`);
      continue;
    }
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
      continue;
    }
    if (stack.length === 0) roots += 1;
    if (!selfClosing) stack.push(name!);
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
