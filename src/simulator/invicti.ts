/**
 * A fake of the Invicti Enterprise API for the whole retest loop: Basic auth;
 * issues/waitingforretest; scans/retest, newfromscan, new, cancel; scans/status,
 * detail, result, list; scans/report and scans/custom-report (real files);
 * websites/list. Errors are Invicti's `{ "Message": "..." }`.
 *
 * Scans launched here move Queued → Scanning → Complete as a pure function of
 * the simulator's clock (`scanSeconds` from launch to Complete), so a test clock
 * makes every state, percentage and date deterministic. When a retest
 * completes, the issues of its base scan that were waiting for a retest get
 * their seeded verdict: fixed ones leave the result (FixedConfirmed), the
 * others stay (Revived); either way they leave issues/waitingforretest.
 *
 * The issue lifecycle: issues/update sets an issue's State (FixedUnconfirmed
 * puts it on issues/waitingforretest; FixedCantRetest, AcceptedRisk,
 * FalsePositive; Default resets it to Present), its assignee, note or tags,
 * each change a History entry. The verdict a retest gives each issue is
 * deterministic (invicti-seed.ts `fixedOnRetest`: seeded next to the waiting
 * issues; for any other issue, even-numbered → FixedConfirmed, odd → Revived).
 * issues/get/{id} and issues/allissues show the state and its history.
 * Cancelling a running, queued or paused scan ends it Cancelled; the seeded
 * Failed and Paused scans (SEED_SCAN_IDS.failed, .paused) let playbooks meet
 * every terminal state.
 */
import { randomUUID } from 'node:crypto';
import type { SimulatorClock } from './clock.js';
import { boolParam, GUID, intParam, isJsonContentType, parseJson, type SimRequest, type SimResponse } from './http.js';
import {
  countFindings,
  findingFields,
  INVICTI_USER,
  invictiDate,
  type IssueSeed,
  launchFields,
  type ScanTask,
  scanTask,
  SEED_WEBSITES,
  type SeedWebsite,
  seedIssues,
  seedScans,
  SEVERITIES,
  type Severity,
} from './invicti-seed.js';
import { REPORT_FORMATS, REPORT_TYPES, renderReport, type ReportData, type ReportFormat } from './reports.js';

export interface InvictiCredentials {
  user_id: string;
  api_token: string;
}

export interface InvictiOptions {
  clock: SimulatorClock;
  /** Seconds from launch to Complete for every scan launched in the simulator. */
  scanSeconds: number;
}

/** Headers every Invicti API response carries (taken from a real capture). */
export const INVICTI_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-cache',
  Pragma: 'no-cache',
  Expires: '-1',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-XSS-Protection': '1; mode=block',
};

const message = (status: number, text: string, headers?: Record<string, string>): SimResponse => ({
  status,
  body: { Message: text },
  ...(headers ? { headers } : {}),
});

const UNAUTHORIZED = () =>
  message(401, 'Authorization has been denied for this request.', { 'WWW-Authenticate': 'Basic realm="Invicti Enterprise API"' });

/** The most scans kept: past it the oldest launched here are forgotten (seeded ones stay). */
export const MAX_SCANS = 5000;
/** The most websites: past it a scans/new for an unknown target is refused. */
export const MAX_WEBSITES = 1000;

/** How long a launched scan stays Queued: a quarter of its run, at most one second. */
const MAX_QUEUED_MS = 1000;

interface ScanRecord {
  /** The stored model: a seeded scan as is; a launched one as launched, plus its results once complete. */
  task: ScanTask;
  /** Launched here: progress is computed from the clock. */
  launchedAt?: number;
  durationMs: number;
  estimatedSteps: number;
  /** For a retest, the scan it retests. */
  baseScanId?: string;
  /** Ids of the issues the scan found, once Complete. */
  result: string[];
  /** Set once the scan has ended (completion applied, cancelled, or seeded Failed). */
  ended?: 'Complete' | 'Cancelled' | 'Failed';
}

type IssueState = 'Present' | 'FixedUnconfirmed' | 'FixedCantRetest' | 'FixedConfirmed' | 'Revived' | 'AcceptedRisk' | 'FalsePositive';

interface IssueRecord extends IssueSeed {
  state: IssueState;
  latestScanId: string;
  lastSeen: string;
  updated: string;
  /** When a retest last confirmed the fix, or found the issue again. */
  fixedConfirmedAt?: string;
  revivedAt?: string;
  assigneeId?: string;
  tags: string[];
  history: { Message: string; Note: string; Owner: string; Date: string }[];
}

/** The States issues/update takes (the Swagger's list, and Default to reset). */
const UPDATE_STATES = ['FixedUnconfirmed', 'FixedCantRetest', 'AcceptedRisk', 'FalsePositive', 'Default'] as const;
/** The history entries of one issue kept: past it the oldest after the first are dropped (the simulator's memory is bounded). */
export const MAX_ISSUE_HISTORY = 100;
/** The longest Note and tag, and the most tags, issues/update accepts. */
const MAX_NOTE_CHARS = 4000;
const MAX_TAGS = 100;
const MAX_TAG_CHARS = 256;
/**
 * The longest strings a launch stores (Invicti documents no limits; these are the simulator's). Counts bound the
 * scans kept (MAX_SCANS); these bound each one's bytes: a request past one is refused with 400, nothing stored.
 */
export const MAX_AGENT_NAME_CHARS = 256;
export const MAX_COMMENTS_CHARS = 4000;
export const MAX_TARGET_URI_CHARS = 2048;
const INTEGRATIONS = new Set(['Jira', 'GitHub', 'TFS', 'FogBugz', 'ServiceNow', 'Slack', 'GitLab', 'Bitbucket', 'Unfuddle', 'Zapier', 'AzureDevOps', 'Redmine', 'Bugzilla', 'Kafka', 'PagerDuty', 'MicrosoftTeams', 'Clubhouse', 'Trello', 'Asana', 'Webhook', 'Kenna', 'Freshservice', 'YouTrack', 'NetsparkerEnterprise', 'Splunk', 'Mattermost', 'Hashicorp', 'PivotalTracker', 'CyberArk', 'DefectDojo', 'JazzTeamServer', 'AzureKeyVault', 'ServiceNowVRM', 'Email', 'Sms', 'Custom']);

const pad = (n: number) => String(n).padStart(2, '0');
const hms = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
};
const invictiDateTime = (iso: string) => invictiDate(iso).time;

export class InvictiSimulator {
  /** Scans by lower-case id, in creation order. */
  private readonly scans = new Map<string, ScanRecord>();
  private readonly issues = new Map<string, IssueRecord>();

  /** Bytes of what the account stores (its scan tasks and issues, as JSON): bounded by the counts and field limits above. */
  get storedBytes(): number {
    let bytes = 0;
    for (const scan of this.scans.values()) bytes += Buffer.byteLength(JSON.stringify(scan.task));
    for (const issue of this.issues.values()) bytes += Buffer.byteLength(JSON.stringify(issue));
    return bytes;
  }
  private readonly websites: SeedWebsite[] = SEED_WEBSITES.map((w) => ({ ...w }));

  constructor(
    private readonly credentials: InvictiCredentials,
    private readonly options: InvictiOptions,
  ) {
    const issues = seedIssues();
    for (const scan of seedScans()) {
      const result = scan.State === 'Complete' ? issues.filter((i) => i.websiteId === scan.WebsiteId).map((i) => i.id) : [];
      const ended = scan.State === 'Complete' || scan.State === 'Failed' ? scan.State : undefined;
      this.scans.set(scan.Id.toLowerCase(), { task: scan, durationMs: 0, estimatedSteps: Number(scan.EstimatedSteps ?? 0), result, ended });
    }
    for (const seed of issues) {
      // The latest completed scan of the issue's website found it.
      const latest = [...this.scans.values()].filter((s) => s.result.includes(seed.id)).map((s) => s.task).sort((a, b) => String(b.InitiatedAt).localeCompare(String(a.InitiatedAt)))[0]!;
      this.issues.set(seed.id, {
        ...seed,
        state: seed.waitingForRetest ? 'FixedUnconfirmed' : 'Present',
        latestScanId: latest.Id,
        lastSeen: String(latest.InitiatedAt),
        updated: String(latest.InitiatedAt),
        tags: [],
        history: [
          { Message: 'Issue found', Note: '', Owner: 'Invicti', Date: invictiDateTime(seed.firstSeen) },
          ...(seed.waitingForRetest ? [{ Message: 'Marked as Fixed (Unconfirmed); waiting for retest', Note: 'Fix deployed', Owner: INVICTI_USER.UserName, Date: invictiDateTime(String(latest.InitiatedAt)) }] : []),
        ],
      });
    }
  }

  /** The scan ids, newest first. */
  get scanIds(): string[] {
    return [...this.scans.values()].map((s) => s.task.Id).reverse();
  }

  handle(req: SimRequest): SimResponse {
    if (!this.authorized(req.headers.authorization)) return UNAUTHORIZED();
    this.tick();
    const route = this.route(req.path);
    if (!route) return message(404, `No HTTP resource was found that matches the request URI '${req.path}'.`);
    if (req.method !== route.method) {
      return message(405, `The requested resource does not support http method '${req.method}'.`, { Allow: route.method });
    }
    return route.run(req);
  }

  private route(path: string): { method: string; run: (req: SimRequest) => SimResponse } | undefined {
    switch (path) {
      case '/api/1.0/scans/retest':
        return { method: 'POST', run: (req) => this.retest(req) };
      case '/api/1.0/scans/newfromscan':
        return { method: 'POST', run: (req) => this.newFromScan(req) };
      case '/api/1.0/scans/new':
        return { method: 'POST', run: (req) => this.newScan(req) };
      case '/api/1.0/scans/cancel':
        return { method: 'POST', run: (req) => this.cancel(req) };
      case '/api/1.0/scans/list':
        return { method: 'GET', run: (req) => paged(req.query, this.scanIds.map((id) => this.view(this.scans.get(id.toLowerCase())!))) };
      case '/api/1.0/websites/list':
        return { method: 'GET', run: (req) => paged(req.query, this.websites.map(websiteModel)) };
      case '/api/1.0/issues/waitingforretest':
        return { method: 'GET', run: (req) => this.waitingForRetest(req) };
      case '/api/1.0/issues/allissues':
        return { method: 'GET', run: (req) => this.allIssues(req) };
      case '/api/1.0/issues/update':
        return { method: 'POST', run: (req) => this.updateIssue(req) };
      case '/api/1.0/scans/report':
      case '/api/1.0/scans/report/':
        return { method: 'GET', run: (req) => this.report(req, 'report') };
      case '/api/1.0/scans/custom-report':
      case '/api/1.0/scans/custom-report/':
        return { method: 'GET', run: (req) => this.report(req, 'custom') };
    }
    const issue = /^\/api\/1\.0\/issues\/get\/([^/]+)$/.exec(path);
    if (issue) return { method: 'GET', run: (req) => this.getIssue(issue[1]!, req) };
    const match = /^\/api\/1\.0\/scans\/(status|detail|result)\/([^/]+)$/.exec(path);
    if (match) {
      const [, kind, id] = match as unknown as [string, 'status' | 'detail' | 'result', string];
      return { method: 'GET', run: (req) => this.show(kind, id, req) };
    }
    return undefined;
  }

  private authorized(header: string | undefined): boolean {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    if (!match) return false;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    return decoded === `${this.credentials.user_id}:${this.credentials.api_token}`;
  }

  // ---- time ---------------------------------------------------------------

  /** Applies every completion that is due by now, in the order the scans complete. */
  private tick(): void {
    const now = this.options.clock.now();
    const due = [...this.scans.values()]
      .filter((s) => s.launchedAt !== undefined && !s.ended && now >= s.launchedAt + s.durationMs)
      .sort((a, b) => a.launchedAt! + a.durationMs - (b.launchedAt! + b.durationMs));
    for (const scan of due) this.complete(scan, scan.launchedAt! + scan.durationMs);
  }

  private complete(scan: ScanRecord, at: number): void {
    const atIso = new Date(at).toISOString();
    const websiteIssues = [...this.issues.values()].filter((i) => i.websiteId === scan.task.WebsiteId);
    const base = scan.baseScanId ? this.scans.get(scan.baseScanId.toLowerCase()) : undefined;
    if (scan.baseScanId) {
      // A base scan forgotten under MAX_SCANS leaves nothing to retest.
      for (const id of base?.result ?? []) {
        const issue = this.issues.get(id)!;
        if (issue.state !== 'FixedUnconfirmed') continue;
        issue.state = issue.fixedOnRetest ? 'FixedConfirmed' : 'Revived';
        issue.updated = atIso;
        if (issue.fixedOnRetest) issue.fixedConfirmedAt = atIso;
        else issue.revivedAt = atIso;
        this.addHistory(issue, {
          Message: issue.fixedOnRetest ? `Fixed (Confirmed) by retest scan ${scan.task.Id}` : `Revived: still vulnerable in retest scan ${scan.task.Id}`,
          Note: '',
          Owner: 'Invicti',
          Date: invictiDateTime(atIso),
        });
      }
      scan.result = (base?.result ?? []).filter((id) => this.issues.get(id)!.state !== 'FixedConfirmed');
    } else {
      scan.result = websiteIssues.filter((i) => i.state !== 'FixedConfirmed').map((i) => i.id);
    }
    for (const id of scan.result) {
      const issue = this.issues.get(id)!;
      issue.latestScanId = scan.task.Id;
      issue.lastSeen = atIso;
    }
    Object.assign(scan.task, findingFields(countFindings(scan.result.map((id) => this.issues.get(id)!.severity))));
    scan.ended = 'Complete';
  }

  /** The progress fields of a launched scan at `now`. */
  private progress(scan: ScanRecord, now: number): Record<string, unknown> {
    const launchedAt = scan.launchedAt!;
    const queuedMs = Math.min(MAX_QUEUED_MS, scan.durationMs / 4);
    const elapsed = now - launchedAt;
    if (scan.ended === 'Complete' || elapsed >= scan.durationMs) {
      return {
        State: 'Complete',
        IsCompleted: true,
        Percentage: 100,
        Phase: 'Complete',
        CompletedSteps: scan.estimatedSteps,
        EstimatedSteps: scan.estimatedSteps,
        Duration: hms(scan.durationMs - queuedMs),
        StateChanged: new Date(launchedAt + scan.durationMs).toISOString(),
      };
    }
    if (elapsed < queuedMs) return {};
    const fraction = (elapsed - queuedMs) / (scan.durationMs - queuedMs);
    return {
      State: 'Scanning',
      IsCompleted: false,
      Percentage: Math.min(99, Math.floor(fraction * 100)),
      Phase: scan.baseScanId ? 'Attacking' : fraction < 0.4 ? 'Crawling' : 'CrawlingAndAttacking',
      CompletedSteps: Math.floor(fraction * scan.estimatedSteps),
      EstimatedSteps: scan.estimatedSteps,
      Duration: hms(elapsed - queuedMs),
      StateChanged: new Date(launchedAt + queuedMs).toISOString(),
    };
  }

  /** The scan as GET scans/detail shows it now. */
  private view(scan: ScanRecord): ScanTask {
    const task = structuredClone(scan.task);
    if (scan.launchedAt === undefined || scan.ended === 'Cancelled' || scan.ended === 'Failed') return task;
    return Object.assign(task, this.progress(scan, this.options.clock.now()));
  }

  private find(id: string): ScanRecord | undefined {
    return GUID.test(id) ? this.scans.get(id.toLowerCase()) : undefined;
  }

  // ---- launches -------------------------------------------------------------

  /** POST /api/1.0/scans/retest with BaseScanApiModel { BaseScanId, AgentName? }. */
  private retest(req: SimRequest): SimResponse {
    const parsed = isJsonContentType(req.headers) ? parseJson(req.body) : undefined;
    const model = parsed?.value;
    if (!model || typeof model !== 'object' || Array.isArray(model)) {
      return message(400, 'The request is invalid: the body must be a JSON BaseScanApiModel, e.g. {"BaseScanId": "00000000-0000-0000-0000-000000000000"}.');
    }
    const { BaseScanId, AgentName } = model as Record<string, unknown>;
    if (BaseScanId === undefined || BaseScanId === null || BaseScanId === '') return message(400, 'The BaseScanId field is required.');
    if (typeof BaseScanId !== 'string' || !GUID.test(BaseScanId)) return message(400, 'The BaseScanId field is not a valid scan identifier.');
    if (AgentName !== undefined && AgentName !== null && typeof AgentName !== 'string') return message(400, 'The AgentName field must be a string.');
    if (typeof AgentName === 'string' && AgentName.length > MAX_AGENT_NAME_CHARS) return message(400, `The AgentName field must be at most ${MAX_AGENT_NAME_CHARS} characters.`);
    const base = this.find(BaseScanId);
    if (!base) return message(404, `Scan ${BaseScanId} was not found.`);
    // Only a completed scan can be retested; running (any in-flight state) and cancelled scans are refused.
    const state = this.view(base).State;
    if (state !== 'Complete') {
      return message(400, `Scan ${base.task.Id} is ${state}. Base scan should be in completed state. Currently running or cancelled scans are not valid.`);
    }
    const scan = this.launch(base.task, 'Retest', { baseScanId: base.task.Id, agentName: typeof AgentName === 'string' && AgentName ? AgentName : undefined, estimatedSteps: 150 + 60 * base.result.length });
    return { status: 201, body: scan };
  }

  /** POST /api/1.0/scans/newfromscan whose body is the scan id as a bare JSON string. */
  private newFromScan(req: SimRequest): SimResponse {
    const id = bareJsonString(req);
    if (id === undefined) {
      return message(400, 'The request is invalid: the body must be the scan id as a JSON string, e.g. "00000000-0000-0000-0000-000000000000".');
    }
    if (!GUID.test(id)) return message(400, 'The id is not a valid scan identifier.');
    const base = this.find(id);
    if (!base) return message(404, `Scan ${id} was not found.`);
    return { status: 201, body: this.launch(base.task, 'Full', { estimatedSteps: 1250 }) };
  }

  /** POST /api/1.0/scans/new with a NewScanTaskApiModel: 201 with an array of one ScanTaskModel. */
  private newScan(req: SimRequest): SimResponse {
    const parsed = isJsonContentType(req.headers) ? parseJson(req.body) : undefined;
    const model = parsed?.value;
    if (!model || typeof model !== 'object' || Array.isArray(model)) {
      return message(400, 'The request is invalid: the body must be a JSON NewScanTaskApiModel, e.g. {"TargetUri": "http://php.testinvicti.com/"}.');
    }
    const body = model as Record<string, unknown>;
    const target = body.TargetUri;
    if (target === undefined || target === null || target === '') return message(400, 'The TargetUri field is required.');
    if (typeof target === 'string' && target.length > MAX_TARGET_URI_CHARS) return message(400, `The TargetUri field must be at most ${MAX_TARGET_URI_CHARS} characters.`);
    let url: URL;
    try {
      if (typeof target !== 'string') throw new TypeError();
      url = new URL(target);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError();
    } catch {
      return message(400, 'The TargetUri field is not a valid absolute http or https URL.');
    }
    const enums: Record<string, readonly string[]> = {
      Scope: ['EnteredPathAndBelow', 'OnlyEnteredUrl', 'WholeDomain'],
      UrlRewriteMode: ['None', 'Heuristic', 'Custom'],
      AuthenticationProfileOption: ['DontUse', 'UseMatchedProfile', 'SelectedProfile'],
      CreateType: ['Website', 'WebsiteGroup'],
    };
    for (const [field, allowed] of Object.entries(enums)) {
      const value = body[field];
      if (value !== undefined && value !== null && !(typeof value === 'string' && allowed.includes(value))) {
        return message(400, `The ${field} field must be one of ${allowed.join(', ')}.`);
      }
    }
    for (const field of ['MaxScanDuration', 'MaxDynamicSignatures', 'SubPathMaxDynamicSignatures']) {
      const value = body[field];
      if (value !== undefined && value !== null && !(Number.isInteger(value) && (value as number) >= 1)) return message(400, `The ${field} field must be a positive integer.`);
    }
    for (const field of ['CrawlAndAttack', 'FindAndFollowNewLinks', 'ExcludeLinks', 'EnablePciScanTask']) {
      const value = body[field];
      if (value !== undefined && value !== null && typeof value !== 'boolean') return message(400, `The ${field} field must be true or false.`);
    }
    if (body.Comments !== undefined && body.Comments !== null && !(typeof body.Comments === 'string' && body.Comments.length <= MAX_COMMENTS_CHARS)) {
      return message(400, `The Comments field must be a string of at most ${MAX_COMMENTS_CHARS} characters.`);
    }
    if (body.Tags !== undefined && body.Tags !== null && !(Array.isArray(body.Tags) && body.Tags.length <= MAX_TAGS && body.Tags.every((t) => typeof t === 'string' && t.length <= MAX_TAG_CHARS))) {
      return message(400, `The Tags field must be an array of at most ${MAX_TAGS} strings of at most ${MAX_TAG_CHARS} characters.`);
    }
    const website = this.websiteFor(url);
    if (!website) return message(400, `The account has ${MAX_WEBSITES} websites, the most the simulator keeps; scan one of them.`);
    const template = scanTask({ id: randomUUID(), website, scanType: 'Full', state: 'Queued', initiatedAt: new Date(this.options.clock.now()).toISOString() });
    template.TargetUrl = url.href;
    template.TargetPath = url.pathname;
    for (const field of ['Scope', 'UrlRewriteMode', 'AuthenticationProfileOption', 'MaxScanDuration', 'MaxDynamicSignatures', 'SubPathMaxDynamicSignatures', 'CrawlAndAttack', 'FindAndFollowNewLinks', 'ExcludeLinks', 'EnablePciScanTask', 'Comments', 'Tags']) {
      if (body[field] !== undefined && body[field] !== null) template[field] = body[field];
    }
    return { status: 201, body: [this.launch(template, 'Full', { estimatedSteps: 1250 })] };
  }

  /** The website a target URL belongs to; an unknown site is added, as Invicti adds a website for a new target. */
  private websiteFor(url: URL): SeedWebsite | undefined {
    const known = this.websites.find((w) => url.href.toLowerCase().startsWith(w.RootUrl.toLowerCase()));
    if (known) return known;
    if (this.websites.length >= MAX_WEBSITES) return undefined;
    const website: SeedWebsite = {
      Id: randomUUID(),
      Name: url.host,
      RootUrl: `${url.origin}/`,
      Protocol: url.protocol === 'https:' ? 'Https' : 'Http',
      GroupId: SEED_WEBSITES[0]!.GroupId,
    };
    this.websites.push(website);
    return website;
  }

  /** A new queued scan with the base scan's configuration. */
  private launch(base: ScanTask, scanType: 'Retest' | 'Full', options: { baseScanId?: string; agentName?: string; estimatedSteps: number }): ScanTask {
    const now = this.options.clock.now();
    const task = { ...structuredClone(base), ...launchFields(randomUUID(), scanType, new Date(now).toISOString()) } as ScanTask;
    if (options.agentName !== undefined) task.AgentName = options.agentName;
    const record: ScanRecord = {
      task,
      launchedAt: now,
      durationMs: Math.round(this.options.scanSeconds * 1000) * (scanType === 'Retest' ? 1 : 2),
      estimatedSteps: options.estimatedSteps,
      result: [],
      ...(options.baseScanId ? { baseScanId: options.baseScanId } : {}),
    };
    this.scans.set(task.Id.toLowerCase(), record);
    if (this.scans.size > MAX_SCANS) {
      const oldest = [...this.scans.values()].find((s) => s.launchedAt !== undefined)!;
      this.scans.delete(oldest.task.Id.toLowerCase());
    }
    // The launch answer is the queued scan, as Invicti's is, even when it completes at once (scanSeconds 0).
    const launched = structuredClone(task);
    this.tick();
    return launched;
  }

  /** POST /api/1.0/scans/cancel with the scan id as a bare JSON string: a CancelResult JSON string. */
  private cancel(req: SimRequest): SimResponse {
    const id = bareJsonString(req);
    if (id === undefined) {
      return message(400, 'The request is invalid: the body must be the scan id as a JSON string, e.g. "00000000-0000-0000-0000-000000000000".');
    }
    const scan = this.find(id);
    if (!scan) return { status: 200, body: 'ScanNotFound' };
    const state = this.view(scan).State;
    if (state === 'Complete') return { status: 200, body: 'ScanCompleted' };
    if (state === 'Cancelled') return { status: 200, body: 'ScanCancelled' };
    if (state === 'Failed') return { status: 200, body: 'ScanFailed' };
    const now = this.options.clock.now();
    if (scan.launchedAt !== undefined) Object.assign(scan.task, this.progress(scan, now));
    Object.assign(scan.task, { State: 'Cancelled', IsCompleted: false, StateChanged: new Date(now).toISOString() });
    scan.ended = 'Cancelled';
    return { status: 200, body: 'Ok' };
  }

  // ---- reads ----------------------------------------------------------------

  private show(kind: 'status' | 'detail' | 'result', id: string, req: SimRequest): SimResponse {
    const scan = this.find(id);
    if (!scan) return message(404, `Scan ${id} was not found.`);
    if (kind === 'result') return { status: 200, body: scan.ended === 'Complete' ? scan.result.map((i) => this.vulnerabilityModel(this.issues.get(i)!, req)) : [] };
    const view = this.view(scan);
    if (kind === 'detail') return { status: 200, body: view };
    return {
      status: 200,
      body: {
        CompletedSteps: view.CompletedSteps ?? 0,
        EstimatedLaunchTime: view.EstimatedLaunchTime ?? 0,
        EstimatedSteps: view.EstimatedSteps ?? 0,
        State: view.State,
      },
    };
  }

  /** GET /api/1.0/issues/waitingforretest: issues marked fixed whose retest has not completed yet. */
  private waitingForRetest(req: SimRequest): SimResponse {
    const severity = req.query.get('severity');
    if (severity && !SEVERITIES.includes(severity as Severity)) return message(400, `The severity parameter must be one of ${SEVERITIES.join(', ')}.`);
    const minimum = severity ? SEVERITIES.indexOf(severity as Severity) : 0;
    const siteName = req.query.get('webSiteName')?.toLowerCase();
    const groupName = req.query.get('websiteGroupName')?.toLowerCase();
    const issues = [...this.issues.values()].filter((issue) => {
      const website = this.websites.find((w) => w.Id === issue.websiteId)!;
      return (
        issue.state === 'FixedUnconfirmed' &&
        SEVERITIES.indexOf(issue.severity) >= minimum &&
        (!siteName || website.Name.toLowerCase() === siteName) &&
        (!groupName || WEBSITE_GROUP_NAME.toLowerCase() === groupName)
      );
    });
    issues.sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
    return paged(req.query, issues.map((issue) => this.issueModel(issue, req)));
  }

  private issueUrl(issue: IssueRecord, req: SimRequest): string {
    return `http://${req.headers.host ?? '127.0.0.1'}/issues/detail/${issue.id}`;
  }

  private issueTarget(issue: IssueRecord): string {
    return this.websites.find((w) => w.Id === issue.websiteId)!.RootUrl + issue.path;
  }

  /** VulnerabilityModel, the items of scans/result. */
  private vulnerabilityModel(issue: IssueRecord, req: SimRequest) {
    return { IssueUrl: this.issueUrl(issue, req), Title: issue.title, Type: issue.type, Url: this.issueTarget(issue) };
  }

  /** IssueApiModel, the items of issues/waitingforretest. */
  private issueModel(issue: IssueRecord, req: SimRequest) {
    const website = this.websites.find((w) => w.Id === issue.websiteId)!;
    const cwe = `CWE-${issue.cwe}`;
    return {
      AssigneeName: INVICTI_USER.UserName,
      FirstSeenDate: invictiDateTime(issue.firstSeen),
      Id: issue.id,
      IsAddressed: issue.state === 'FixedUnconfirmed' || issue.state === 'FixedConfirmed',
      IsDetectedByShark: false,
      IsPresent: issue.state !== 'FixedConfirmed',
      LastSeenDate: invictiDateTime(issue.lastSeen),
      UpdatedDate: invictiDateTime(issue.updated),
      Severity: issue.severity,
      State: issue.state,
      Title: issue.title,
      Url: this.issueTarget(issue),
      LatestVulnerabilityIsConfirmed: issue.certainty === 100,
      WebsiteId: website.Id,
      WebsiteName: website.Name,
      WebsiteRootUrl: website.RootUrl,
      FixTimeInMinutes: 0,
      Certainty: issue.certainty,
      Parameters: [],
      VulnerabilityDetail: `<p>${issue.title} was identified on ${this.issueTarget(issue)}.</p>`,
      Impact: `<p>Depends on the issue: see ${cwe}.</p>`,
      Actions: '<p>Apply the remedy, then mark the issue fixed and retest its scan.</p>',
      Skills: '<p>An attacker needs a web browser and basic knowledge of HTTP.</p>',
      Remedy: '<p>See the remedy references.</p>',
      RemedyReferences: `<ul><li>https://cwe.mitre.org/data/definitions/${issue.cwe}.html</li></ul>`,
      ExternalReferences: '',
      ProofOfConcept: '',
      CustomData: '',
      CustomFields: [],
      ClassificationLinks: [`https://cwe.mitre.org/data/definitions/${issue.cwe}.html`],
      CvssVectorString: '',
      Cvss31VectorString: '',
      Cvss40VectorString: '',
      Type: issue.type,
      Classification: {
        Asvs40: '', Capec: '', Cwe: issue.cwe, DisaStig: '', Hipaa: '', IsEmpty: false, Iso27001: '', Iso27001At2022: '', Nistsp80053: '',
        Owasp2013: '', Owasp2017: '', OwaspApiTop10: '', OwaspProactiveControls: '', OwaspTopTen2021: '', OwaspTopTen2023: '', Pci32: '', PciDss40: '', Wasc: '',
      },
      CvssVector: {},
      Cvss31Vector: {},
      Cvss40Vector: {},
      VersionIssues: [],
      IsRetest: issue.state === 'FixedUnconfirmed',
      IsTodo: issue.state === 'Present' || issue.state === 'Revived',
      LatestScanId: issue.latestScanId,
      History: issue.history.map((h) => ({ ...h })),
      Tags: [...issue.tags],
    };
  }

  /** AllIssuesApiModel (issues/get/{id}): the IssueApiModel plus the dates of the last verdicts, in the Swagger's order. */
  private allIssuesModel(issue: IssueRecord, req: SimRequest) {
    const model = this.issueModel(issue, req);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(model)) {
      out[key] = value;
      if (key === 'LastSeenDate') {
        out.LastRevivedDate = issue.revivedAt ? invictiDateTime(issue.revivedAt) : null;
        out.StateFixedConfirmedDate = issue.fixedConfirmedAt ? invictiDateTime(issue.fixedConfirmedAt) : null;
      }
    }
    return out;
  }

  /** Appends to an issue's history, keeping the first entry (found) and the latest MAX_ISSUE_HISTORY - 1. */
  private addHistory(issue: IssueRecord, entry: IssueRecord['history'][number]): void {
    issue.history.push(entry);
    if (issue.history.length > MAX_ISSUE_HISTORY) issue.history.splice(1, issue.history.length - MAX_ISSUE_HISTORY);
  }

  /** GET /api/1.0/issues/get/{id}: the issue as AllIssuesApiModel; 404 when there is no such issue. */
  private getIssue(id: string, req: SimRequest): SimResponse {
    if (!GUID.test(id)) return message(400, 'The id is not a valid issue identifier.');
    const issue = this.issues.get(id.toLowerCase());
    if (!issue) return message(404, `Issue ${id} was not found.`);
    return { status: 200, body: this.allIssuesModel(issue, req) };
  }

  /** GET /api/1.0/issues/allissues: every issue with its state, filtered, sorted by LastSeenDate, paged. */
  private allIssues(req: SimRequest): SimResponse {
    const q = req.query;
    const severity = q.get('severity');
    if (severity && !SEVERITIES.includes(severity as Severity)) return message(400, `The severity parameter must be one of ${SEVERITIES.join(', ')}.`);
    const sortType = q.get('sortType') || 'Ascending';
    if (sortType !== 'Ascending' && sortType !== 'Descending') return message(400, 'The sortType parameter must be Ascending or Descending.');
    const rawDetails = boolParam(q, 'rawDetails');
    if (rawDetails === 'invalid') return message(400, 'The rawDetails parameter must be true or false.');
    const integration = q.get('integration');
    if (integration && !INTEGRATIONS.has(integration)) return message(400, 'The integration parameter is not a known integration.');
    const lastSeenRaw = q.get('lastSeenDate');
    let since: number | undefined;
    if (lastSeenRaw) {
      // The account's date format is dd/MM/yyyy (invictiDate): the issues last seen on that day or later.
      const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(lastSeenRaw);
      if (!m) return message(400, 'The lastSeenDate parameter must be a date in the account\'s format, dd/MM/yyyy.');
      since = Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]));
      if (!Number.isFinite(since)) return message(400, 'The lastSeenDate parameter is not a valid date.');
    }
    const minimum = severity ? SEVERITIES.indexOf(severity as Severity) : 0;
    const siteName = q.get('webSiteName')?.toLowerCase();
    const groupName = q.get('websiteGroupName')?.toLowerCase();
    const issues = [...this.issues.values()].filter((issue) => {
      const website = this.websites.find((w) => w.Id === issue.websiteId)!;
      return (
        // The simulator has no issue-tracker integration configured: filtering by one finds nothing.
        !integration &&
        SEVERITIES.indexOf(issue.severity) >= minimum &&
        (!siteName || website.Name.toLowerCase() === siteName) &&
        (!groupName || WEBSITE_GROUP_NAME.toLowerCase() === groupName) &&
        (since === undefined || Date.parse(issue.lastSeen) >= since)
      );
    });
    issues.sort((a, b) => (Date.parse(a.lastSeen) - Date.parse(b.lastSeen)) * (sortType === 'Descending' ? -1 : 1));
    const strip = (value: unknown) => (typeof value === 'string' ? value.replace(/<[^>]*>/g, '') : value);
    return paged(q, issues.map((issue) => {
      const model: Record<string, unknown> = this.issueModel(issue, req);
      if (rawDetails === false) for (const key of ['VulnerabilityDetail', 'Impact', 'Actions', 'Skills', 'Remedy', 'RemedyReferences']) model[key] = strip(model[key]);
      return model;
    }));
  }

  /** POST /api/1.0/issues/update with an IssueApiUpdateModel: 200 with no body. */
  private updateIssue(req: SimRequest): SimResponse {
    const parsed = isJsonContentType(req.headers) ? parseJson(req.body) : undefined;
    const model = parsed?.value;
    if (!model || typeof model !== 'object' || Array.isArray(model)) {
      return message(400, 'The request is invalid: the body must be a JSON IssueApiUpdateModel, e.g. {"IssueId": "00000000-0000-0000-0000-000000000000", "State": "FixedUnconfirmed"}.');
    }
    const { IssueId, State, AssigneeId, Note, Tags } = model as Record<string, unknown>;
    if (IssueId === undefined || IssueId === null || IssueId === '') return message(400, 'The IssueId field is required.');
    if (typeof IssueId !== 'string' || !GUID.test(IssueId)) return message(400, 'The IssueId field is not a valid issue identifier.');
    const given = (v: unknown) => v !== undefined && v !== null;
    if (![State, AssigneeId, Note, Tags].some(given)) return message(400, 'Except IssueId, all parameters are optional but at least 1 parameter is required.');
    if (given(State) && !(typeof State === 'string' && (UPDATE_STATES as readonly string[]).includes(State))) {
      return message(400, `The State field must be one of ${UPDATE_STATES.join(', ')}.`);
    }
    if (given(AssigneeId) && !(typeof AssigneeId === 'string' && GUID.test(AssigneeId))) return message(400, 'The AssigneeId field is not a valid identifier.');
    if (given(Note) && !(typeof Note === 'string' && Note.length <= MAX_NOTE_CHARS)) return message(400, `The Note field must be a string of at most ${MAX_NOTE_CHARS} characters.`);
    if (given(Tags) && !(Array.isArray(Tags) && Tags.length <= MAX_TAGS && Tags.every((t) => typeof t === 'string' && t.length <= MAX_TAG_CHARS))) {
      return message(400, `The Tags field must be an array of at most ${MAX_TAGS} strings of at most ${MAX_TAG_CHARS} characters.`);
    }
    const issue = this.issues.get(IssueId.toLowerCase());
    if (!issue) return message(404, `Issue ${IssueId} was not found.`);
    const now = new Date(this.options.clock.now()).toISOString();
    const note = typeof Note === 'string' ? Note : '';
    const entry = (text: string) => this.addHistory(issue, { Message: text, Note: note, Owner: INVICTI_USER.UserName, Date: invictiDateTime(now) });
    if (typeof State === 'string') {
      issue.state = State === 'Default' ? 'Present' : (State as IssueState);
      entry(
        State === 'FixedUnconfirmed'
          ? 'Marked as Fixed (Unconfirmed); waiting for retest'
          : State === 'Default'
            ? 'State reset to Present'
            : `Marked as ${State}`,
      );
    } else if (typeof Note === 'string') {
      entry('Note added');
    }
    if (typeof AssigneeId === 'string') {
      issue.assigneeId = AssigneeId;
      entry(`Assigned to ${AssigneeId}`);
    }
    if (Array.isArray(Tags)) issue.tags = [...(Tags as string[])];
    issue.updated = now;
    return { status: 200 };
  }

  /** GET scans/report/ (id, type, format) and scans/custom-report/ (id, reportName, reportFormat): a file. */
  private report(req: SimRequest, kind: 'report' | 'custom'): SimResponse {
    const q = req.query;
    const id = q.get('id');
    if (!id) return message(400, 'The id parameter is required.');
    if (!GUID.test(id)) return message(400, 'The id parameter is not a valid scan identifier.');
    let name: string;
    let format: string | null;
    if (kind === 'report') {
      const type = q.get('type');
      if (!type) return message(400, 'The type parameter is required.');
      if (!(REPORT_TYPES as readonly string[]).includes(type)) return message(400, `The type parameter must be one of ${REPORT_TYPES.join(', ')}.`);
      format = q.get('format');
      if (!format) return message(400, 'The format parameter is required.');
      const contentFormat = q.get('contentFormat');
      if (contentFormat && contentFormat !== 'Html' && contentFormat !== 'Markdown') return message(400, 'The contentFormat parameter must be Html or Markdown.');
      name = type;
    } else {
      const reportName = q.get('reportName');
      if (!reportName) return message(400, 'The reportName parameter is required.');
      name = reportName;
      format = q.get('reportFormat') || 'Xml';
    }
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) return message(400, `The format must be one of ${REPORT_FORMATS.join(', ')}.`);
    const flags = kind === 'report'
      ? ['excludeResponseData', 'onlyConfirmedIssues', 'onlyUnconfirmedIssues', 'excludeAddressedIssues', 'excludeHistoryOfIssues']
      : ['excludeIgnoreds', 'onlyConfirmedVulnerabilities', 'onlyUnconfirmedVulnerabilities'];
    const flag: Record<string, boolean | undefined> = {};
    for (const name of flags) {
      const value = boolParam(q, name);
      if (value === 'invalid') return message(400, `The ${name} parameter must be true or false.`);
      flag[name] = value;
    }
    const scan = this.find(id);
    if (!scan) return message(404, `Scan ${id} was not found.`);
    const view = this.view(scan);
    let issues = (scan.ended === 'Complete' ? scan.result : []).map((i) => this.issues.get(i)!);
    if (flag.onlyConfirmedIssues || flag.onlyConfirmedVulnerabilities) issues = issues.filter((i) => i.certainty === 100);
    if (flag.onlyUnconfirmedIssues || flag.onlyUnconfirmedVulnerabilities) issues = issues.filter((i) => i.certainty !== 100);
    if (flag.excludeAddressedIssues) issues = issues.filter((i) => i.state !== 'FixedUnconfirmed');
    const data: ReportData = {
      name,
      scanId: view.Id,
      websiteName: String(view.WebsiteName),
      targetUrl: String(view.TargetUrl),
      scanState: view.State,
      initiatedAt: String(view.InitiatedAt),
      generatedAt: this.options.clock.now(),
      findings: issues.map((i) => ({
        Title: i.title,
        Type: i.type,
        Severity: i.severity,
        Url: this.issueTarget(i),
        State: i.state,
        Certainty: i.certainty,
        IssueUrl: this.issueUrl(i, req),
      })),
    };
    const file = renderReport(data, format as ReportFormat);
    return {
      status: 200,
      file: { bytes: file.bytes, contentType: file.contentType },
      headers: { 'Content-Disposition': `attachment; filename="${file.fileName}"` },
    };
  }
}

const WEBSITE_GROUP_NAME = 'Default';

/** The body as a bare JSON string (scans/newfromscan, scans/cancel), or undefined. */
function bareJsonString(req: SimRequest): string | undefined {
  const parsed = isJsonContentType(req.headers) ? parseJson(req.body) : undefined;
  return parsed && typeof parsed.value === 'string' ? parsed.value : undefined;
}

function websiteModel(site: SeedWebsite) {
  return { Id: site.Id, Name: site.Name, RootUrl: site.RootUrl, Groups: [{ Id: site.GroupId, Name: WEBSITE_GROUP_NAME }], AgentMode: 'Cloud' };
}

/** Invicti's paged list (page from 1, pageSize 1–200, default 20); 400 { Message } on a bad page or size. */
function paged(query: URLSearchParams, items: unknown[]): SimResponse {
  const page = intParam(query, 'page', 1, 1, 1_000_000);
  if (page === undefined) return message(400, 'The page parameter must be an integer of at least 1.');
  const size = intParam(query, 'pageSize', 20, 1, 200);
  if (size === undefined) return message(400, 'Page size can be any value between 1 and 200.');
  const total = items.length;
  const pageCount = Math.ceil(total / size);
  const list = items.slice((page - 1) * size, page * size);
  const first = list.length ? (page - 1) * size + 1 : 0;
  return {
    status: 200,
    body: {
      FirstItemOnPage: first,
      HasNextPage: page < pageCount,
      HasPreviousPage: page > 1,
      IsFirstPage: page === 1,
      IsLastPage: page >= pageCount,
      LastItemOnPage: list.length ? first + list.length - 1 : 0,
      List: list,
      PageCount: pageCount,
      PageNumber: page,
      PageSize: size,
      TotalItemCount: total,
    },
  };
}
