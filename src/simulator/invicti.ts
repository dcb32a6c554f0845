/**
 * A fake of the Invicti Enterprise API (the part the retest actions touch, and
 * enough around it to see their effect): Basic auth, scans/retest,
 * scans/newfromscan, scans/status, scans/detail, scans/list, websites/list.
 * Errors are Invicti's `{ "Message": "..." }`.
 */
import { randomUUID } from 'node:crypto';
import { GUID, isJsonContentType, parseJson, type SimRequest, type SimResponse } from './http.js';
import { launchFields, type ScanTask, SEED_WEBSITES, seedScans } from './invicti-seed.js';

export interface InvictiCredentials {
  user_id: string;
  api_token: string;
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

export class InvictiSimulator {
  /** Scans by lower-case id, in creation order. */
  readonly scans = new Map<string, ScanTask>();

  constructor(private readonly credentials: InvictiCredentials) {
    for (const scan of seedScans()) this.scans.set(scan.Id.toLowerCase(), scan);
  }

  handle(req: SimRequest): SimResponse {
    if (!this.authorized(req.headers.authorization)) return UNAUTHORIZED();
    const route = this.route(req.path);
    if (!route) return message(404, `No HTTP resource was found that matches the request URI '${req.path}'.`);
    if (req.method !== route.method) {
      return message(405, `The requested resource does not support http method '${req.method}'.`, { Allow: route.method });
    }
    return route.run(req);
  }

  private route(path: string): { method: string; run: (req: SimRequest) => SimResponse } | undefined {
    if (path === '/api/1.0/scans/retest') return { method: 'POST', run: (req) => this.retest(req) };
    if (path === '/api/1.0/scans/newfromscan') return { method: 'POST', run: (req) => this.newFromScan(req) };
    if (path === '/api/1.0/scans/list') return { method: 'GET', run: () => page([...this.scans.values()].reverse()) };
    if (path === '/api/1.0/websites/list') return { method: 'GET', run: () => page(SEED_WEBSITES.map(websiteModel)) };
    const match = /^\/api\/1\.0\/scans\/(status|detail)\/([^/]+)$/.exec(path);
    if (match) {
      const [, kind, id] = match as unknown as [string, 'status' | 'detail', string];
      return { method: 'GET', run: () => this.show(kind, id) };
    }
    return undefined;
  }

  private authorized(header: string | undefined): boolean {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
    if (!match) return false;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    return decoded === `${this.credentials.user_id}:${this.credentials.api_token}`;
  }

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
    const base = this.scans.get(BaseScanId.toLowerCase());
    if (!base) return message(404, `Scan ${BaseScanId} was not found.`);
    // Only a completed scan can be retested; running (any in-flight state) and cancelled scans are refused.
    if (base.State !== 'Complete') {
      return message(
        400,
        `Scan ${base.Id} is ${base.State}. Base scan should be in completed state. Currently running or cancelled scans are not valid.`,
      );
    }
    return { status: 201, body: this.launch(base, 'Retest', typeof AgentName === 'string' && AgentName ? AgentName : undefined) };
  }

  /** POST /api/1.0/scans/newfromscan whose body is the scan id as a bare JSON string. */
  private newFromScan(req: SimRequest): SimResponse {
    const parsed = isJsonContentType(req.headers) ? parseJson(req.body) : undefined;
    if (!parsed || typeof parsed.value !== 'string') {
      return message(400, 'The request is invalid: the body must be the scan id as a JSON string, e.g. "00000000-0000-0000-0000-000000000000".');
    }
    const id = parsed.value;
    if (!GUID.test(id)) return message(400, 'The id is not a valid scan identifier.');
    const base = this.scans.get(id.toLowerCase());
    if (!base) return message(404, `Scan ${id} was not found.`);
    return { status: 201, body: this.launch(base, 'Full', undefined) };
  }

  /** A new queued scan with the base scan's configuration. */
  private launch(base: ScanTask, scanType: 'Retest' | 'Full', agentName: string | undefined): ScanTask {
    const scan = { ...structuredClone(base), ...launchFields(randomUUID(), scanType, new Date().toISOString()) } as ScanTask;
    if (agentName !== undefined) scan.AgentName = agentName;
    this.scans.set(scan.Id.toLowerCase(), scan);
    return structuredClone(scan);
  }

  private show(kind: 'status' | 'detail', id: string): SimResponse {
    const scan = this.scans.get(id.toLowerCase());
    if (!scan) return message(404, `Scan ${id} was not found.`);
    if (kind === 'detail') return { status: 200, body: structuredClone(scan) };
    return {
      status: 200,
      body: {
        CompletedSteps: scan.CompletedSteps ?? 0,
        EstimatedLaunchTime: scan.EstimatedLaunchTime ?? 0,
        EstimatedSteps: scan.EstimatedSteps ?? 0,
        State: scan.State,
      },
    };
  }
}

function websiteModel(site: (typeof SEED_WEBSITES)[number]) {
  return { Id: site.Id, Name: site.Name, RootUrl: site.RootUrl, Groups: [{ Id: site.GroupId, Name: 'Default' }], AgentMode: 'Cloud' };
}

/** Invicti's paged list shape, all items on one page. */
function page(items: unknown[]): SimResponse {
  return {
    status: 200,
    body: {
      FirstItemOnPage: items.length ? 1 : 0,
      HasNextPage: false,
      HasPreviousPage: false,
      IsFirstPage: true,
      IsLastPage: true,
      LastItemOnPage: items.length,
      List: items,
      PageCount: 1,
      PageNumber: 1,
      PageSize: Math.max(items.length, 20),
      TotalItemCount: items.length,
    },
  };
}
