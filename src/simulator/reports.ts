/**
 * Report files for scans/report and scans/custom-report: the scan's findings
 * rendered as real bytes of the requested format (PDF, HTML, CSV, XML, TXT, JSON),
 * with the Content-Type and Content-Disposition Invicti sends with a file.
 */
import { renderPdf } from './pdf.js';

export const REPORT_FORMATS = ['Xml', 'Csv', 'Pdf', 'Html', 'Txt', 'Json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The report types of the Swagger's Scans_Report `type` parameter. */
export const REPORT_TYPES = [
  'Crawled', 'Scanned', 'Vulnerabilities', 'ScanDetail', 'ModSecurityWafRules', 'OwaspTopTen2013', 'HIPAACompliance', 'Pci32',
  'KnowledgeBase', 'ExecutiveSummary', 'FullScanDetail', 'OwaspTopTen2017', 'CustomReport', 'Iso27001Compliance', 'F5BigIpAsmWafRules',
  'WASC', 'SansTop25', 'Asvs40', 'Nistsp80053', 'DisaStig', 'OwaspApiTop10', 'OwaspTopTen2021', 'VulnerabilitiesPerWebsite',
  'OwaspApiTopTen2023', 'PciDss40',
] as const;

export interface ReportFinding {
  Title: string;
  Type: string;
  Severity: string;
  Url: string;
  State: string;
  Certainty: number;
  IssueUrl: string;
}

export interface ReportData {
  /** What the report is (a report type, or a custom report's name). */
  name: string;
  scanId: string;
  websiteName: string;
  targetUrl: string;
  scanState: string;
  initiatedAt: string;
  generatedAt: number;
  findings: ReportFinding[];
}

const CONTENT_TYPES: Record<ReportFormat, string> = {
  Pdf: 'application/pdf',
  Html: 'text/html; charset=utf-8',
  Csv: 'text/csv; charset=utf-8',
  Xml: 'application/xml; charset=utf-8',
  Txt: 'text/plain; charset=utf-8',
  Json: 'application/json; charset=utf-8',
};

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
const csv = (text: string | number) => (/[",\r\n]/.test(String(text)) ? `"${String(text).replace(/"/g, '""')}"` : String(text));
const slug = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'report';

export function reportFileName(data: ReportData, format: ReportFormat): string {
  return `${slug(data.name)}-${slug(data.websiteName)}-${data.scanId.slice(0, 8)}.${format.toLowerCase()}`;
}

/** The report as a file: its bytes, Content-Type and file name. */
export function renderReport(data: ReportData, format: ReportFormat): { bytes: Buffer; contentType: string; fileName: string } {
  return { bytes: render(data, format), contentType: CONTENT_TYPES[format], fileName: reportFileName(data, format) };
}

function summaryLines(data: ReportData): string[] {
  return [
    `Scan ${data.scanId} of ${data.websiteName} (${data.targetUrl})`,
    `State ${data.scanState}, initiated ${data.initiatedAt}`,
    `Generated ${new Date(data.generatedAt).toISOString()} by the retest-connectors simulator`,
    `${data.findings.length} issue(s)`,
  ];
}

function render(data: ReportData, format: ReportFormat): Buffer {
  const generated = new Date(data.generatedAt).toISOString();
  switch (format) {
    case 'Json':
      return Buffer.from(
        JSON.stringify(
          {
            Generated: generated,
            Report: data.name,
            Target: { ScanId: data.scanId, WebsiteName: data.websiteName, Url: data.targetUrl, State: data.scanState, Initiated: data.initiatedAt },
            Vulnerabilities: data.findings,
          },
          null,
          2,
        ),
        'utf8',
      );
    case 'Csv': {
      const rows = [['Title', 'Type', 'Severity', 'Url', 'State', 'Certainty', 'Issue URL']];
      for (const f of data.findings) rows.push([f.Title, f.Type, f.Severity, f.Url, f.State, String(f.Certainty), f.IssueUrl]);
      return Buffer.from(rows.map((row) => row.map(csv).join(',')).join('\r\n') + '\r\n', 'utf8');
    }
    case 'Xml': {
      const items = data.findings.map(
        (f) =>
          `    <vulnerability>\n      <title>${xml(f.Title)}</title>\n      <type>${xml(f.Type)}</type>\n      <severity>${xml(f.Severity)}</severity>\n` +
          `      <url>${xml(f.Url)}</url>\n      <state>${xml(f.State)}</state>\n      <certainty>${f.Certainty}</certainty>\n      <issue-url>${xml(f.IssueUrl)}</issue-url>\n    </vulnerability>\n`,
      );
      return Buffer.from(
        `<?xml version="1.0" encoding="utf-8"?>\n<invicti-enterprise generated="${generated}" report="${xml(data.name)}">\n` +
          `  <target>\n    <scan-id>${data.scanId}</scan-id>\n    <website>${xml(data.websiteName)}</website>\n    <url>${xml(data.targetUrl)}</url>\n` +
          `    <state>${xml(data.scanState)}</state>\n    <initiated>${xml(data.initiatedAt)}</initiated>\n  </target>\n` +
          `  <vulnerabilities count="${data.findings.length}">\n${items.join('')}  </vulnerabilities>\n</invicti-enterprise>\n`,
        'utf8',
      );
    }
    case 'Html': {
      const rows = data.findings
        .map((f) => `<tr><td>${xml(f.Severity)}</td><td><a href="${xml(f.IssueUrl)}">${xml(f.Title)}</a></td><td>${xml(f.Url)}</td><td>${xml(f.State)}</td></tr>`)
        .join('\n');
      return Buffer.from(
        `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${xml(data.name)} - ${xml(data.websiteName)}</title></head>\n<body>\n` +
          `<h1>${xml(data.name)}</h1>\n${summaryLines(data).map((l) => `<p>${xml(l)}</p>`).join('\n')}\n` +
          `<table>\n<tr><th>Severity</th><th>Issue</th><th>URL</th><th>State</th></tr>\n${rows}\n</table>\n</body>\n</html>\n`,
        'utf8',
      );
    }
    case 'Txt':
      return Buffer.from(
        [`${data.name}`, ...summaryLines(data), '', ...data.findings.map((f) => `[${f.Severity}] ${f.Title} - ${f.Url} (${f.State})`), ''].join('\n'),
        'utf8',
      );
    case 'Pdf':
      return renderPdf(
        `${data.name}: ${data.websiteName}`,
        [...summaryLines(data), '', ...data.findings.map((f) => `[${f.Severity}] ${f.Title} - ${f.Url} (${f.State})`)],
        data.generatedAt,
      );
  }
}
