/**
 * A minimal, valid PDF 1.4 writer for the simulator's reports: Helvetica text
 * lines on Letter pages, an Info dictionary, and a cross-reference table whose
 * offsets are exact, so any PDF reader (and a test) can open the file.
 */

const LINES_PER_PAGE = 50;
/** About what fits in 512 pt of 10 pt Helvetica; longer lines wrap. */
const CHARS_PER_LINE = 95;

function wrap(line: string): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > CHARS_PER_LINE) {
    const cut = rest.lastIndexOf(' ', CHARS_PER_LINE);
    const at = cut > CHARS_PER_LINE / 2 ? cut : CHARS_PER_LINE;
    out.push(rest.slice(0, at));
    rest = '    ' + rest.slice(at).trimStart();
  }
  out.push(rest);
  return out;
}

/** Text that a PDF literal string carries safely: ASCII only, with \, ( and ) escaped. */
function pdfText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').replace(/[\\()]/g, (c) => `\\${c}`);
}

/** D:YYYYMMDDHHmmSSZ, the PDF date format. */
function pdfDate(ms: number): string {
  return `D:${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/** A PDF whose first page starts with `title` in a larger font, then `lines`. */
export function renderPdf(title: string, textLines: readonly string[], createdAt: number): Buffer {
  const lines = textLines.flatMap(wrap);
  const pages: string[][] = [];
  for (let i = 0; i < Math.max(lines.length, 1); i += LINES_PER_PAGE) pages.push(lines.slice(i, i + LINES_PER_PAGE));

  // Object numbers: 1 catalog, 2 pages, 3 font, 4 info, then a page and its content stream per page.
  const pageObject = (index: number) => 5 + index * 2;
  const objects: string[] = [];
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pages.map((_, i) => `${pageObject(i)} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  objects[4] = `<< /Title (${pdfText(title)}) /Producer (retest-connectors simulator) /CreationDate (${pdfDate(createdAt)}) >>`;
  pages.forEach((pageLines, i) => {
    const body = [
      'BT',
      '/F1 10 Tf',
      '14 TL',
      '50 750 Td',
      ...(i === 0 ? [`/F1 16 Tf (${pdfText(title)}) Tj T* T* /F1 10 Tf`] : []),
      ...pageLines.map((line) => `(${pdfText(line)}) Tj T*`),
      'ET',
    ].join('\n');
    objects[pageObject(i)] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageObject(i) + 1} 0 R >>`;
    objects[pageObject(i) + 1] = `<< /Length ${Buffer.byteLength(body, 'latin1')} >>\nstream\n${body}\nendstream`;
  });

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let n = 1; n < objects.length; n++) {
    offsets[n] = Buffer.byteLength(out, 'latin1');
    out += `${n} 0 obj\n${objects[n]}\nendobj\n`;
  }
  const xrefAt = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let n = 1; n < objects.length; n++) out += `${String(offsets[n]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
