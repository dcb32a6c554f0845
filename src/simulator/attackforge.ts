/**
 * A fake of the AttackForge Self-Service API (the part the retest action
 * touches, and enough around it to see its effect): X-SSAPI-KEY auth,
 * POST /api/ss/project/:id/retest/request, GET /api/ss/project/:id and
 * GET /api/ss/projects. Errors are JSON objects `{ "error": "..." }`.
 */
import { OBJECT_ID, isJsonContentType, parseJson, type SimRequest, type SimResponse } from './http.js';
import { type Project, type RetestRound, seedProjects } from './attackforge-seed.js';

export interface AttackForgeCredentials {
  api_key: string;
}

/** Headers AttackForge's API responses carry (an Express app behind a TLS front end). */
export const ATTACKFORGE_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'SAMEORIGIN',
  'X-DNS-Prefetch-Control': 'off',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
  'Referrer-Policy': 'no-referrer',
};

const failure = (status: number, error: string, headers?: Record<string, string>): SimResponse => ({
  status,
  body: { error },
  ...(headers ? { headers } : {}),
});

// RFC 3339 date-time with an explicit offset, as the action's input schema requires.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

export class AttackForgeSimulator {
  /** Projects by lower-case id. */
  readonly projects = new Map<string, Project>();

  constructor(private readonly credentials: AttackForgeCredentials) {
    for (const project of seedProjects()) this.projects.set(project.id.toLowerCase(), project);
  }

  handle(req: SimRequest): SimResponse {
    if (req.headers['x-ssapi-key'] !== this.credentials.api_key) return failure(401, 'Unauthorized: missing or invalid X-SSAPI-KEY header.');
    if (req.path === '/api/ss/projects') {
      if (req.method !== 'GET') return failure(405, `Method ${req.method} not allowed.`, { Allow: 'GET' });
      return { status: 200, body: { count: this.projects.size, projects: [...this.projects.values()].map(projectView) } };
    }
    const retest = /^\/api\/ss\/project\/([^/]+)\/retest\/request$/.exec(req.path);
    if (retest) {
      if (req.method !== 'POST') return failure(405, `Method ${req.method} not allowed.`, { Allow: 'POST' });
      return this.requestRetest(retest[1]!, req);
    }
    const project = /^\/api\/ss\/project\/([^/]+)$/.exec(req.path);
    if (project) {
      if (req.method !== 'GET') return failure(405, `Method ${req.method} not allowed.`, { Allow: 'GET' });
      const found = this.find(project[1]!);
      return found ? { status: 200, body: { project: projectView(found) } } : notFound(project[1]!);
    }
    return failure(404, `Cannot ${req.method} ${req.path}`);
  }

  private find(id: string): Project | undefined {
    return OBJECT_ID.test(id) ? this.projects.get(id.toLowerCase()) : undefined;
  }

  /** POST /api/ss/project/:id/retest/request { retesting_window_start, retesting_window_end?, vulnerability_ids }. */
  private requestRetest(id: string, req: SimRequest): SimResponse {
    const project = this.find(id);
    if (!project) return notFound(id);
    const parsed = isJsonContentType(req.headers) ? parseJson(req.body) : undefined;
    const body = parsed?.value;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return failure(400, 'Request body must be a JSON object.');
    const { retesting_window_start: start, retesting_window_end: end, vulnerability_ids: ids } = body as Record<string, unknown>;

    if (typeof start !== 'string' || !DATE_TIME.test(start) || Number.isNaN(Date.parse(start))) {
      return failure(400, 'retesting_window_start is required and must be an ISO 8601 date-time, e.g. 2025-03-23T00:00:00.000Z.');
    }
    if (end !== undefined && end !== null) {
      if (typeof end !== 'string' || !DATE_TIME.test(end) || Number.isNaN(Date.parse(end))) {
        return failure(400, 'retesting_window_end must be an ISO 8601 date-time, e.g. 2025-03-30T00:00:00.000Z.');
      }
      if (Date.parse(end) < Date.parse(start)) return failure(400, 'Invalid retesting window: retesting_window_end is before retesting_window_start.');
    }
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((v): v is string => typeof v === 'string')) {
      return failure(400, 'vulnerability_ids is required and must be a non-empty array of vulnerability ids.');
    }
    for (const vulnerabilityId of ids) {
      const vulnerability = project.vulnerabilities.find((v) => v.id.toLowerCase() === vulnerabilityId.toLowerCase());
      if (!vulnerability) return failure(400, `Vulnerability ${vulnerabilityId} does not belong to project ${project.id}.`);
      if (vulnerability.status !== 'Retest') {
        return failure(400, `Vulnerability ${vulnerabilityId} is not in 'Retest' status (status: ${vulnerability.status}).`);
      }
    }
    const round: RetestRound = {
      requested_at: new Date().toISOString(),
      retesting_window_start: start,
      retesting_window_end: typeof end === 'string' ? end : null,
      vulnerability_ids: [...ids],
    };
    project.retests.push(round);
    project.status = 'Retest';
    return { status: 200, body: { status: `Project retest requested for Project ${project.id}` } };
  }
}

function notFound(id: string): SimResponse {
  return failure(404, `Project ${id} not found.`);
}

function projectView(project: Project) {
  return {
    id: project.id,
    project_name: project.name,
    project_code: project.code,
    project_status: project.status,
    vulnerabilities: project.vulnerabilities.map((v) => ({ id: v.id, title: v.title, priority: v.priority, status: v.status })),
    retests: project.retests.map((r) => ({ ...r, vulnerability_ids: [...r.vulnerability_ids] })),
  };
}
