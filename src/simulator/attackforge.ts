/**
 * A fake of the AttackForge Self-Service API for the retest loop: X-SSAPI-KEY
 * auth; GET /api/ss/projects, /project/:id, /project/:id/vulnerabilities
 * (startDate, endDate, priority, skip, limit, q, pendingVulnerabilities);
 * PUT /api/ss/vulnerability/:id; POST /project/:id/retest/request, which opens
 * a numbered round; POST /project/:id/retest/:roundNumber/complete and /cancel.
 * Completing a round closes every vulnerability in it (the simulator's tester
 * finds them all fixed); cancelling leaves them in Retest. Errors are JSON
 * objects `{ "error": "..." }`.
 */
import type { SimulatorClock } from './clock.js';
import { intParam, isJsonContentType, OBJECT_ID, parseJson, type SimRequest, type SimResponse } from './http.js';
import { type Priority, type Project, type RetestRound, seedProjects, type Vulnerability, type VulnerabilityStatus } from './attackforge-seed.js';
import { parseRelaxedJson } from './relaxed-json.js';

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
// startDate/endDate of the vulnerabilities query: a UTC date or date-time.
const QUERY_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/i;

const PRIORITIES: readonly Priority[] = ['Critical', 'High', 'Medium', 'Low', 'Info'];
const STATUSES: readonly VulnerabilityStatus[] = ['Open', 'Closed', 'Retest'];
const MAX_LIMIT = 500;
/** Bounds of what the simulated tenant keeps: retest rounds per project, notes per vulnerability. */
export const MAX_ROUNDS = 1000;
export const MAX_NOTES = 100;
/**
 * The largest strings and lists one update stores (AttackForge documents no limits; these are the simulator's):
 * past one the update is refused with 400 and nothing is stored, so a vulnerability's bytes are bounded too.
 */
export const MAX_TEXT_CHARS = 65_536; // a note, description, attack_scenario ...
export const MAX_TITLE_CHARS = 1024;
export const MAX_ITEMS = 1000; // tags, notes, custom fields in one update (the connector's input schema allows as many)
export const MAX_ITEM_CHARS = 256; // a tag, a custom field's key
export const MAX_VALUE_BYTES = 4 * MAX_TEXT_CHARS + 2; // a custom field's value as JSON: a string of MAX_TEXT_CHARS fits

/** Fields the simulator keeps as sent on a PUT, with the type each must have. */
const TEXT_FIELDS = ['description', 'attack_scenario', 'remediation_recommendation', 'steps_to_reproduce', 'cvssv4_vector'] as const;
const BOOLEAN_FIELDS = ['is_zeroday', 'is_visible', 'is_deleted'] as const;

export class AttackForgeSimulator {
  /** Projects by lower-case id. */
  readonly projects = new Map<string, Project>();

  /** Bytes of what the tenant stores (its projects with their vulnerabilities and rounds, as JSON). */
  get storedBytes(): number {
    let bytes = 0;
    for (const project of this.projects.values()) bytes += Buffer.byteLength(JSON.stringify(project));
    return bytes;
  }

  constructor(
    private readonly credentials: AttackForgeCredentials,
    private readonly clock: SimulatorClock,
  ) {
    for (const project of seedProjects()) this.projects.set(project.id.toLowerCase(), project);
  }

  handle(req: SimRequest): SimResponse {
    if (req.headers['x-ssapi-key'] !== this.credentials.api_key) return failure(401, 'Unauthorized: missing or invalid X-SSAPI-KEY header.');
    const only = (method: string, run: () => SimResponse) => (req.method === method ? run() : failure(405, `Method ${req.method} not allowed.`, { Allow: method }));
    if (req.path === '/api/ss/projects') {
      return only('GET', () => ({ status: 200, body: { count: this.projects.size, projects: [...this.projects.values()].map((p) => this.projectView(p)) } }));
    }
    let m = /^\/api\/ss\/project\/([^/]+)\/retest\/request$/.exec(req.path);
    if (m) return only('POST', () => this.requestRetest(m![1]!, req));
    m = /^\/api\/ss\/project\/([^/]+)\/retest\/([^/]+)\/(complete|cancel)$/.exec(req.path);
    if (m) return only('POST', () => this.closeRound(m![1]!, m![2]!, m![3] as 'complete' | 'cancel'));
    m = /^\/api\/ss\/project\/([^/]+)\/vulnerabilities$/.exec(req.path);
    if (m) return only('GET', () => this.vulnerabilities(m![1]!, req.query));
    m = /^\/api\/ss\/project\/([^/]+)$/.exec(req.path);
    if (m) {
      return only('GET', () => {
        const found = this.find(m![1]!);
        return found ? { status: 200, body: { project: this.projectView(found) } } : notFound(m![1]!);
      });
    }
    m = /^\/api\/ss\/vulnerability\/([^/]+)$/.exec(req.path);
    if (m) return only('PUT', () => this.updateVulnerability(m![1]!, req));
    return failure(404, `Cannot ${req.method} ${req.path}`);
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private find(id: string): Project | undefined {
    return OBJECT_ID.test(id) ? this.projects.get(id.toLowerCase()) : undefined;
  }

  /** POST /api/ss/project/:id/retest/request { retesting_window_start, retesting_window_end?, vulnerability_ids }. */
  private requestRetest(id: string, req: SimRequest): SimResponse {
    const project = this.find(id);
    if (!project) return notFound(id);
    const body = jsonObject(req);
    if (!body) return failure(400, 'Request body must be a JSON object.');
    const { retesting_window_start: start, retesting_window_end: end, vulnerability_ids: ids } = body;

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
    if (project.retests.length >= MAX_ROUNDS) return failure(400, `Project ${project.id} has ${MAX_ROUNDS} retest rounds, the most the simulator keeps.`);
    const round: RetestRound = {
      round_number: project.retests.length + 1,
      status: 'Requested',
      requested_at: this.now(),
      retesting_window_start: start,
      retesting_window_end: typeof end === 'string' ? end : null,
      // Each id once: a list repeating one id (up to the request's 1 MiB) is stored as what it means.
      vulnerability_ids: [...new Set(ids)],
      completed_at: null,
      cancelled_at: null,
    };
    project.retests.push(round);
    project.status = 'Retest';
    return { status: 200, body: { status: `Project retest requested for Project ${project.id}` } };
  }

  /** POST /api/ss/project/:id/retest/:roundNumber/complete | cancel. */
  private closeRound(id: string, roundNumber: string, action: 'complete' | 'cancel'): SimResponse {
    const project = this.find(id);
    if (!project) return notFound(id);
    if (!/^[1-9]\d{0,8}$/.test(roundNumber)) return failure(400, `roundNumber must be a positive integer, got '${roundNumber.slice(0, 40)}'.`);
    const round = project.retests.find((r) => r.round_number === Number(roundNumber));
    if (!round) return failure(404, `Retest round ${roundNumber} not found for Project ${project.id}.`);
    if (round.status !== 'Requested') return failure(400, `Retest round ${roundNumber} is not open (status: ${round.status}).`);
    const now = this.now();
    if (action === 'complete') {
      round.status = 'Completed';
      round.completed_at = now;
      for (const vulnerabilityId of round.vulnerability_ids) {
        const vulnerability = project.vulnerabilities.find((v) => v.id.toLowerCase() === vulnerabilityId.toLowerCase());
        if (vulnerability && vulnerability.status === 'Retest') {
          vulnerability.status = 'Closed';
          vulnerability.modified = now;
        }
      }
    } else {
      round.status = 'Cancelled';
      round.cancelled_at = now;
    }
    if (!project.retests.some((r) => r.status === 'Requested')) project.status = 'Testing';
    const verb = action === 'complete' ? 'completed' : 'cancelled';
    return { status: 200, body: { status: `Retest round ${round.round_number} ${verb} for Project ${project.id}` } };
  }

  /** GET /api/ss/project/:id/vulnerabilities. */
  private vulnerabilities(id: string, query: URLSearchParams): SimResponse {
    const project = this.find(id);
    if (!project) return notFound(id);
    const skip = intParam(query, 'skip', 0, 0, 1_000_000_000);
    if (skip === undefined) return failure(400, 'skip must be an integer of at least 0.');
    const limit = intParam(query, 'limit', MAX_LIMIT, 1, MAX_LIMIT);
    if (limit === undefined) return failure(400, `limit must be an integer from 1 to ${MAX_LIMIT}.`);
    const priority = query.get('priority');
    if (priority && !PRIORITIES.includes(priority as Priority)) return failure(400, `priority must be one of ${PRIORITIES.join(', ')}.`);
    const range: number[] = [];
    for (const name of ['startDate', 'endDate'] as const) {
      const raw = query.get(name);
      if (raw === null || raw === '') continue;
      if (!QUERY_DATE.test(raw) || Number.isNaN(Date.parse(raw))) return failure(400, `${name} must be a UTC ISO 8601 date, e.g. 2021-06-03T23:15:33.008Z.`);
      range[name === 'startDate' ? 0 : 1] = Date.parse(raw);
    }
    for (const name of ['pendingVulnerabilities', 'altCustomFields']) {
      const raw = query.get(name);
      if (raw !== null && raw !== '' && !/^(true|false)$/i.test(raw)) return failure(400, `${name} must be true or false.`);
    }
    let filter: (v: Record<string, unknown>) => boolean = () => true;
    const q = query.get('q');
    if (q !== null && q.trim() !== '') {
      try {
        filter = compileFilter(parseRelaxedJson(q));
      } catch (error) {
        return failure(400, `Invalid q filter: ${error instanceof Error ? error.message : String(error)}.`);
      }
    }
    const matching = project.vulnerabilities
      .map((v) => this.vulnerabilityView(project, v))
      .filter(
        (v) =>
          (!priority || v.vulnerability_priority === priority) &&
          (range[0] === undefined || Date.parse(v.vulnerability_created) >= range[0]) &&
          (range[1] === undefined || Date.parse(v.vulnerability_created) <= range[1]) &&
          filter(v),
      );
    const page = matching.slice(skip, skip + limit);
    return { status: 200, body: { count: page.length, vulnerabilities: page } };
  }

  /** PUT /api/ss/vulnerability/:id { projectId, status?, priority?, … }. */
  private updateVulnerability(id: string, req: SimRequest): SimResponse {
    const body = jsonObject(req);
    if (!body) return failure(400, 'Request body must be a JSON object.');
    const { projectId } = body;
    if (typeof projectId !== 'string' || projectId === '') return failure(400, 'projectId is required.');
    if (!OBJECT_ID.test(id)) return failure(404, `Vulnerability ${id.slice(0, 40)} not found.`);
    const project = this.find(projectId);
    if (!project) return failure(400, `Project ${projectId.slice(0, 40)} not found.`);
    const vulnerability = project.vulnerabilities.find((v) => v.id.toLowerCase() === id.toLowerCase());
    if (!vulnerability) {
      const elsewhere = [...this.projects.values()].some((p) => p.vulnerabilities.some((v) => v.id.toLowerCase() === id.toLowerCase()));
      return elsewhere ? failure(400, `Vulnerability ${id} does not belong to project ${project.id}.`) : failure(404, `Vulnerability ${id} not found.`);
    }
    const problem = validateUpdate(body);
    if (problem) return failure(400, problem);
    if (body.title !== undefined) vulnerability.title = body.title as string;
    if (body.priority !== undefined) vulnerability.priority = body.priority as Priority;
    if (body.status !== undefined) vulnerability.status = body.status as VulnerabilityStatus;
    if (body.likelihood_of_exploitation !== undefined) vulnerability.likelihood_of_exploitation = body.likelihood_of_exploitation as number;
    if (body.tags !== undefined) vulnerability.tags = [...(body.tags as string[])];
    if (body.notes !== undefined) {
      vulnerability.notes.push(...(body.notes as Vulnerability['notes']).map((n) => ({ note: n.note, type: n.type ?? 'PLAINTEXT' })));
      vulnerability.notes.splice(0, Math.max(0, vulnerability.notes.length - MAX_NOTES)); // the latest are kept
    }
    if (body.custom_fields !== undefined) {
      vulnerability.custom_fields = (body.custom_fields as { key?: string; name?: string; value: unknown }[]).map((f) => ({ key: (f.key ?? f.name)!, value: f.value }));
    }
    for (const field of [...TEXT_FIELDS, ...BOOLEAN_FIELDS]) if (body[field] !== undefined) vulnerability.extra[field] = body[field];
    vulnerability.modified = this.now();
    return { status: 200, body: { status: 'Vulnerability Updated', vulnerability: this.vulnerabilityView(project, vulnerability) } };
  }

  private vulnerabilityView(project: Project, v: Vulnerability) {
    return {
      vulnerability_id: v.id,
      vulnerability_title: v.title,
      vulnerability_priority: v.priority,
      vulnerability_status: v.status,
      vulnerability_retest: v.status === 'Retest' ? 'Yes' : 'No',
      vulnerability_project_id: project.id,
      vulnerability_project_name: project.name,
      vulnerability_affected_asset_name: v.affected_asset_name,
      vulnerability_likelihood_of_exploitation: v.likelihood_of_exploitation,
      vulnerability_tags: [...v.tags],
      vulnerability_notes: v.notes.map((n) => ({ ...n })),
      vulnerability_created: v.created,
      vulnerability_modified: v.modified,
      vulnerability_custom_fields: v.custom_fields.map((f) => ({ ...f })),
      ...Object.fromEntries(Object.entries(v.extra).map(([k, value]) => [`vulnerability_${k}`, value])),
    };
  }

  private projectView(project: Project) {
    return {
      project_id: project.id,
      project_name: project.name,
      project_code: project.code,
      project_status: project.status,
      project_created: project.created,
      project_vulnerability_count: project.vulnerabilities.length,
      project_retest_rounds: project.retests.map((r) => ({ ...r, vulnerability_ids: [...r.vulnerability_ids] })),
    };
  }
}

function notFound(id: string): SimResponse {
  return failure(404, `Project ${id.slice(0, 40)} not found.`);
}

function jsonObject(req: SimRequest): Record<string, unknown> | undefined {
  const value = isJsonContentType(req.headers) ? parseJson(req.body)?.value : undefined;
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The first problem of an UpdateVulnerabilityById body, or undefined. Unknown fields are ignored. */
function validateUpdate(body: Record<string, unknown>): string | undefined {
  const isStringArray = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (body.status !== undefined && !STATUSES.includes(body.status as VulnerabilityStatus)) return `status must be one of ${STATUSES.join(', ')}.`;
  if (body.priority !== undefined && !PRIORITIES.includes(body.priority as Priority)) return `priority must be one of ${PRIORITIES.join(', ')}.`;
  if (body.title !== undefined && (typeof body.title !== 'string' || body.title.trim() === '')) return 'title must be a non-empty string.';
  if (typeof body.title === 'string' && body.title.length > MAX_TITLE_CHARS) return `title must be at most ${MAX_TITLE_CHARS} characters.`;
  const likelihood = body.likelihood_of_exploitation;
  if (likelihood !== undefined && !(Number.isInteger(likelihood) && (likelihood as number) >= 1 && (likelihood as number) <= 10)) {
    return 'likelihood_of_exploitation must be an integer from 1 to 10.';
  }
  if (body.tags !== undefined && !isStringArray(body.tags)) return 'tags must be an array of strings.';
  if (Array.isArray(body.tags) && (body.tags.length > MAX_ITEMS || body.tags.some((t: string) => t.length > MAX_ITEM_CHARS))) {
    return `tags must be at most ${MAX_ITEMS} strings of at most ${MAX_ITEM_CHARS} characters.`;
  }
  if (body.notes !== undefined) {
    const ok = Array.isArray(body.notes) && body.notes.every((n) => n && typeof n === 'object' && typeof n.note === 'string' && (n.type === undefined || n.type === 'PLAINTEXT' || n.type === 'RICHTEXT'));
    if (!ok) return 'notes must be an array of { note, type: PLAINTEXT | RICHTEXT }.';
    const notes = body.notes as { note: string }[];
    if (notes.length > MAX_ITEMS || notes.some((n) => n.note.length > MAX_TEXT_CHARS)) {
      return `notes must be at most ${MAX_ITEMS} notes of at most ${MAX_TEXT_CHARS} characters.`;
    }
  }
  for (const field of ['custom_fields', 'custom_tags']) {
    const value = body[field];
    if (value === undefined) continue;
    const ok = Array.isArray(value) && value.every((f) => f && typeof f === 'object' && (typeof f.key === 'string' || typeof f.name === 'string') && 'value' in f);
    if (!ok) return `${field} must be an array of { key (or name), value }.`;
    const fits = (f: { key?: string; name?: string; value: unknown }) =>
      (f.key ?? '').length <= MAX_ITEM_CHARS && (f.name ?? '').length <= MAX_ITEM_CHARS && Buffer.byteLength(JSON.stringify(f.value) ?? '') <= MAX_VALUE_BYTES;
    if (value.length > MAX_ITEMS || !value.every(fits)) {
      return `${field} must be at most ${MAX_ITEMS} entries, each key at most ${MAX_ITEM_CHARS} characters and value at most ${MAX_VALUE_BYTES} bytes as JSON.`;
    }
  }
  for (const field of TEXT_FIELDS) if (body[field] !== undefined && typeof body[field] !== 'string') return `${field} must be a string.`;
  for (const field of TEXT_FIELDS) if (typeof body[field] === 'string' && (body[field] as string).length > MAX_TEXT_CHARS) return `${field} must be at most ${MAX_TEXT_CHARS} characters.`;
  for (const field of BOOLEAN_FIELDS) if (body[field] !== undefined && typeof body[field] !== 'boolean') return `${field} must be a boolean.`;
  return undefined;
}

/** The q filter's field names, by the vulnerability view's property they test. */
const FILTER_FIELDS: Record<string, string> = {
  id: 'vulnerability_id',
  title: 'vulnerability_title',
  priority: 'vulnerability_priority',
  status: 'vulnerability_status',
  is_retest: 'vulnerability_retest',
  affected_asset_name: 'vulnerability_affected_asset_name',
  created: 'vulnerability_created',
  modified: 'vulnerability_modified',
};

type Predicate = (v: Record<string, unknown>) => boolean;

/**
 * A predicate from a q filter: `{ field: value | { $eq | $ne | $in | $nin | $exists: … } }`,
 * several fields meaning all of them, `$and` / `$or` with arrays of filters.
 */
function compileFilter(filter: unknown): Predicate {
  if (!filter || typeof filter !== 'object' || Array.isArray(filter)) throw new SyntaxError('the filter must be an object');
  const parts: Predicate[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(condition) || condition.length === 0) throw new SyntaxError(`${key} takes a non-empty array of filters`);
      const inner = condition.map(compileFilter);
      parts.push(key === '$and' ? (v) => inner.every((p) => p(v)) : (v) => inner.some((p) => p(v)));
      continue;
    }
    const property = Object.hasOwn(FILTER_FIELDS, key) ? FILTER_FIELDS[key] : Object.values(FILTER_FIELDS).includes(key) ? key : undefined;
    if (!property) throw new SyntaxError(`unknown field '${key.slice(0, 40)}'`);
    parts.push(compileCondition(property, condition));
  }
  return (v) => parts.every((p) => p(v));
}

function compileCondition(property: string, condition: unknown): Predicate {
  const scalar = (x: unknown) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' || x === null;
  if (scalar(condition)) return (v) => v[property] === condition;
  if (!condition || typeof condition !== 'object' || Array.isArray(condition)) throw new SyntaxError(`bad condition on '${property}'`);
  const tests: Predicate[] = [];
  for (const [operator, operand] of Object.entries(condition)) {
    switch (operator) {
      case '$eq':
      case '$ne':
        if (!scalar(operand)) throw new SyntaxError(`${operator} takes a value`);
        tests.push(operator === '$eq' ? (v) => v[property] === operand : (v) => v[property] !== operand);
        break;
      case '$in':
      case '$nin': {
        if (!Array.isArray(operand) || !operand.every(scalar)) throw new SyntaxError(`${operator} takes an array of values`);
        const set = new Set<unknown>(operand);
        tests.push(operator === '$in' ? (v) => set.has(v[property]) : (v) => !set.has(v[property]));
        break;
      }
      case '$exists':
        if (typeof operand !== 'boolean') throw new SyntaxError('$exists takes true or false');
        tests.push((v) => (v[property] !== undefined && v[property] !== null) === operand);
        break;
      default:
        throw new SyntaxError(`unknown operator '${operator.slice(0, 40)}'`);
    }
  }
  return (v) => tests.every((t) => t(v));
}
