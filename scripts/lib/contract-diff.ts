/**
 * The public contract of the bundle, and how two versions of it differ.
 *
 * A contract is connector.json plus the schemas it names, read from a folder
 * (the working tree, or the released snapshot under contract/). Every schema is
 * folded into a flat list of fields ("json_body.List[].State") with what
 * constrains them: types, enum, required, limits. $ref, allOf and anyOf/oneOf
 * are resolved on the way; conditions (if/then/else) are not compared; title,
 * description, examples, default, $comment and the order of keys are
 * presentation and never compared.
 *
 * Which changes break a caller follows the direction the data flows:
 *   inputs and connections (the caller writes them): breaking when the new
 *     contract accepts less — a field removed, a new required field, a field
 *     made required, a type or enum value no longer accepted, an enum where
 *     there was none, a tighter limit, a new or changed pattern/format, an
 *     object closed to unknown properties (additionalProperties: false);
 *   outputs (playbooks read them): breaking when the new contract may return
 *     what a reader did not expect — a field removed, a field no longer
 *     required, a new type (a string that may now be null), a new enum value,
 *     an enum dropped. Narrowing an output, or changing its limits, is listed
 *     but compatible.
 *   actions: removing one, or moving it to another connection, is breaking;
 *     adding one is not; a new method or path is listed (the runtime follows
 *     the vendor's wire, callers do not see it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { refTarget } from '../../src/contract/refs.js';

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------
// Reading a contract folder

/** A contract as read from a folder holding connector.json and schemas/. */
export interface Contract {
  version: string;
  actions: Map<string, ActionSurface>;
  connections: Map<string, Map<string, FieldInfo>>;
}

export interface ActionSurface {
  connection: string;
  method: string;
  path: string;
  input: Map<string, FieldInfo>;
  output: Map<string, FieldInfo>;
}

/** One field of a flattened schema. */
export interface FieldInfo {
  /** Sorted JSON types; ['any'] when the schema does not constrain the type. */
  types: string[];
  /** Allowed values (JSON-encoded, sorted), when the schema lists them. */
  enum?: string[];
  required: boolean;
  /** Limits and formats: minimum, maxLength, pattern, format, ... */
  constraints: Record<string, unknown>;
}

/** Reads connector.json and every schema it names under `root`. */
export function loadContract(root: string): Contract {
  const files = new Map<string, Json>();
  const read = (file: string): Json => {
    let schema = files.get(file);
    if (!schema) {
      const full = join(root, file);
      if (!existsSync(full)) throw new Error(`${file} is missing under ${root}`);
      schema = JSON.parse(readFileSync(full, 'utf8')) as Json;
      files.set(file, schema);
    }
    return schema;
  };
  const manifest = JSON.parse(readFileSync(join(root, 'connector.json'), 'utf8')) as {
    version: string;
    connections: Record<string, { schema: string }>;
    actions: Array<{ id: string; connection: string; method: string; path: string; input_schema: string; output_schema: string }>;
  };
  const folder = new Folder(read);
  const actions = new Map<string, ActionSurface>();
  for (const a of manifest.actions) {
    actions.set(a.id, {
      connection: a.connection,
      method: a.method,
      path: a.path,
      input: flatten(folder.shapeOfFile(a.input_schema)),
      output: flatten(folder.shapeOfFile(a.output_schema)),
    });
  }
  const connections = new Map<string, Map<string, FieldInfo>>();
  for (const [name, c] of Object.entries(manifest.connections)) connections.set(name, flatten(folder.shapeOfFile(c.schema)));
  return { version: manifest.version, actions, connections };
}

// ---------------------------------------------------------------------------
// Schemas -> shapes

interface Shape {
  /** null = any type. */
  types: Set<string> | null;
  /** JSON-encoded allowed values; undefined = not enumerated. */
  enum?: Set<string>;
  constraints: Record<string, unknown>;
  properties: Map<string, { shape: Shape; required: boolean }>;
  items?: Shape;
  /** additionalProperties given as a schema (maps such as response_headers). */
  values?: Shape;
}

const CONSTRAINT_KEYWORDS = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'formatMinimum',
  'formatMaximum',
];

const anyShape = (): Shape => ({ types: null, constraints: {}, properties: new Map() });

class Folder {
  constructor(private readonly read: (file: string) => Json) {}

  shapeOfFile(file: string): Shape {
    return this.shape(this.read(file), file, []);
  }

  private resolve(file: string, ref: string): { node: Json; file: string } {
    const { node, file: targetFile } = refTarget(file, ref, (path) => this.read(path) as Record<string, unknown>);
    return { node: node as Json, file: targetFile };
  }

  private shape(node: unknown, file: string, stack: string[]): Shape {
    if (node === true || node === undefined) return anyShape();
    if (node === false) return { types: new Set(), constraints: {}, properties: new Map() };
    const schema = node as Json;
    let result = this.ownShape(schema, file, stack);
    if (typeof schema.$ref === 'string') {
      const key = `${file}#${schema.$ref}`;
      // A recursive model: stop at the second visit (the fields above are listed already).
      if (!stack.includes(key)) {
        const target = this.resolve(file, schema.$ref);
        result = intersect(result, this.shape(target.node, target.file, [...stack, key]));
      }
    }
    for (const sub of (schema.allOf as unknown[] | undefined) ?? []) result = intersect(result, this.shape(sub, file, stack));
    for (const keyword of ['anyOf', 'oneOf']) {
      const branches = schema[keyword] as unknown[] | undefined;
      if (branches?.length) result = intersect(result, branches.map((b) => this.shape(b, file, stack)).reduce(union));
    }
    // if/then/else narrow one alternative by another field (e.g. what a 2xx must carry): the fields and
    // their alternatives are all declared unconditionally beside them, so the conditions are not compared.
    return result;
  }

  /** The keywords of this node alone, without $ref and the combinators. */
  private ownShape(schema: Json, file: string, stack: string[]): Shape {
    const types = schema.type === undefined ? null : new Set(([] as string[]).concat(schema.type as string | string[]));
    if (types?.has('number')) types.delete('integer');
    const shape: Shape = { types, constraints: {}, properties: new Map() };
    if (Array.isArray(schema.enum)) shape.enum = new Set(schema.enum.map((v) => JSON.stringify(v)));
    if ('const' in schema) shape.enum = new Set([JSON.stringify(schema.const)]);
    for (const k of CONSTRAINT_KEYWORDS) if (k in schema) shape.constraints[k] = schema[k];
    // A closed object (no unknown properties) is a limit too: closing an input rejects what passed before.
    if (schema.additionalProperties === false) shape.constraints.additionalProperties = false;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const [name, sub] of Object.entries((schema.properties as Json | undefined) ?? {})) {
      shape.properties.set(name, { shape: this.shape(sub, file, stack), required: required.has(name) });
    }
    // "required" may name a property declared in another branch of an allOf.
    for (const name of required) if (!shape.properties.has(name)) shape.properties.set(name, { shape: anyShape(), required: true });
    if (schema.items !== undefined && !Array.isArray(schema.items)) shape.items = this.shape(schema.items, file, stack);
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      shape.values = this.shape(schema.additionalProperties, file, stack);
    }
    return shape;
  }
}

/** Both must hold (allOf, $ref with siblings). */
function intersect(a: Shape, b: Shape): Shape {
  let types: Set<string> | null;
  if (!a.types) types = b.types && new Set(b.types);
  else if (!b.types) types = new Set(a.types);
  else {
    types = new Set([...a.types].filter((t) => b.types!.has(t)));
    // number ∩ integer = integer
    if (a.types.has('number') && b.types.has('integer')) types.add('integer');
    if (b.types.has('number') && a.types.has('integer')) types.add('integer');
  }
  let values: Set<string> | undefined;
  if (a.enum && b.enum) values = new Set([...a.enum].filter((v) => b.enum!.has(v)));
  else values = a.enum ?? b.enum;
  const properties = new Map(a.properties);
  for (const [name, p] of b.properties) {
    const mine = properties.get(name);
    properties.set(name, mine ? { shape: intersect(mine.shape, p.shape), required: mine.required || p.required } : p);
  }
  const out: Shape = { types, constraints: { ...a.constraints, ...b.constraints }, properties };
  if (values) out.enum = values;
  const items = a.items && b.items ? intersect(a.items, b.items) : (a.items ?? b.items);
  if (items) out.items = items;
  const map = a.values && b.values ? intersect(a.values, b.values) : (a.values ?? b.values);
  if (map) out.values = map;
  return out;
}

/** Either may hold (anyOf, oneOf, the two sides of if/then/else). */
function union(a: Shape, b: Shape): Shape {
  const types = a.types && b.types ? new Set([...a.types, ...b.types]) : null;
  if (types?.has('number')) types.delete('integer');
  // A side that can only be null enumerates [null]; any other side without an enum lifts the enum.
  const enumOf = (s: Shape) => s.enum ?? (s.types && s.types.size > 0 && [...s.types].every((t) => t === 'null') ? new Set(['null']) : undefined);
  const ea = enumOf(a);
  const eb = enumOf(b);
  const properties = new Map<string, { shape: Shape; required: boolean }>();
  for (const name of new Set([...a.properties.keys(), ...b.properties.keys()])) {
    const pa = a.properties.get(name);
    const pb = b.properties.get(name);
    if (pa && pb) properties.set(name, { shape: union(pa.shape, pb.shape), required: pa.required && pb.required });
    else properties.set(name, { shape: (pa ?? pb)!.shape, required: false });
  }
  const constraints: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a.constraints)) if (JSON.stringify(b.constraints[k]) === JSON.stringify(v)) constraints[k] = v;
  const out: Shape = { types, constraints, properties };
  if (ea && eb) out.enum = new Set([...ea, ...eb]);
  const items = a.items && b.items ? union(a.items, b.items) : (a.items ?? b.items);
  if (items) out.items = items;
  const map = a.values && b.values ? union(a.values, b.values) : (a.values ?? b.values);
  if (map) out.values = map;
  return out;
}

/** Shape -> one FieldInfo per property path (the root itself is not a field). */
function flatten(root: Shape): Map<string, FieldInfo> {
  const out = new Map<string, FieldInfo>();
  const visit = (shape: Shape, path: string, required: boolean) => {
    if (path) {
      const info: FieldInfo = {
        types: shape.types ? [...shape.types].sort() : ['any'],
        required,
        constraints: shape.constraints,
      };
      if (shape.enum) info.enum = [...shape.enum].sort();
      out.set(path, info);
    }
    for (const [name, p] of shape.properties) visit(p.shape, path ? `${path}.${name}` : name, p.required);
    if (shape.items) visit(shape.items, `${path}[]`, false);
    if (shape.values) visit(shape.values, `${path}{}`, false);
  };
  visit(root, '', false);
  return out;
}

// ---------------------------------------------------------------------------
// Comparing two contracts

export interface Change {
  /** "action invicti_scan_retest", "connection invicti". */
  scope: string;
  /** Where in the scope: "action", "input", "output", "connection". */
  side: 'action' | 'input' | 'output' | 'connection';
  /** Field path; absent for changes to the action itself. */
  field?: string;
  kind: 'added' | 'removed' | 'retyped' | 'made required' | 'made optional' | 'enum changed' | 'limits changed' | 'changed';
  detail: string;
  breaking: boolean;
}

/** Every difference from `released` to `current`, in a stable order. */
export function compareContracts(released: Contract, current: Contract): Change[] {
  const changes: Change[] = [];
  for (const [id, was] of released.actions) {
    const now = current.actions.get(id);
    const scope = `action ${id}`;
    if (!now) {
      changes.push({ scope, side: 'action', kind: 'removed', detail: 'action removed', breaking: true });
      continue;
    }
    if (was.connection !== now.connection) {
      changes.push({ scope, side: 'action', kind: 'changed', detail: `connection ${was.connection} -> ${now.connection}`, breaking: true });
    }
    if (was.method !== now.method || was.path !== now.path) {
      changes.push({ scope, side: 'action', kind: 'changed', detail: `request ${was.method} ${was.path} -> ${now.method} ${now.path}`, breaking: false });
    }
    changes.push(...compareFields(scope, 'input', was.input, now.input));
    changes.push(...compareFields(scope, 'output', was.output, now.output));
  }
  for (const [id, now] of current.actions) {
    if (!released.actions.has(id)) {
      changes.push({ scope: `action ${id}`, side: 'action', kind: 'added', detail: `action added (${now.method} ${now.path})`, breaking: false });
    }
  }
  for (const [name, was] of released.connections) {
    const now = current.connections.get(name);
    const scope = `connection ${name}`;
    if (!now) changes.push({ scope, side: 'connection', kind: 'removed', detail: 'connection removed', breaking: true });
    else changes.push(...compareFields(scope, 'connection', was, now));
  }
  for (const name of current.connections.keys()) {
    if (!released.connections.has(name)) {
      changes.push({ scope: `connection ${name}`, side: 'connection', kind: 'added', detail: 'connection added', breaking: false });
    }
  }
  return changes;
}

const describeType = (f: FieldInfo) => `${f.required ? 'required' : 'optional'} ${f.types.join(' | ')}`;

const listValues = (values: string[]) => (values.length > 8 ? `${values.slice(0, 8).join(', ')} … (${values.length} in all)` : values.join(', '));

/** Types of `b` not accepted by `a` ('any' accepts all; number accepts integer). */
function typesMissing(a: string[], b: string[]): string[] {
  if (a.includes('any')) return [];
  if (b.includes('any')) return ['any'];
  return b.filter((t) => !a.includes(t) && !(t === 'integer' && a.includes('number')));
}

/** How a limit moved: 'tighter', 'looser' or 'changed' (neither: a new pattern or format). */
function limitDirection(key: string, was: unknown, now: unknown): 'tighter' | 'looser' | 'changed' {
  const lower = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];
  const upper = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'];
  if (key === 'additionalProperties') return now === false ? 'tighter' : 'looser'; // only `false` (closed) is recorded
  if (key === 'uniqueItems') return now === true ? 'tighter' : 'looser';
  if (was === undefined) return 'tighter';
  if (now === undefined) return 'looser';
  if (typeof was === 'number' && typeof now === 'number') {
    if (lower.includes(key)) return now > was ? 'tighter' : 'looser';
    if (upper.includes(key)) return now < was ? 'tighter' : 'looser';
  }
  return 'changed';
}

function compareFields(scope: string, side: 'input' | 'output' | 'connection', was: Map<string, FieldInfo>, now: Map<string, FieldInfo>): Change[] {
  const written = side !== 'output'; // the caller writes inputs and connections, and reads outputs
  const out: Change[] = [];
  const push = (field: string, kind: Change['kind'], detail: string, breaking: boolean) => out.push({ scope, side, field, kind, detail, breaking });
  for (const [path, a] of was) {
    const b = now.get(path);
    if (!b) {
      // Under a removed object, the object's own line says it all.
      if (!was.has(parentPath(path)) || now.has(parentPath(path))) push(path, 'removed', `removed (was ${describeType(a)})`, true);
      continue;
    }
    // A field nested in an optional object is only as required as its parents; "required" compares the field's own flag.
    if (a.required !== b.required) {
      if (b.required) push(path, 'made required', 'made required', written);
      else push(path, 'made optional', 'made optional', !written);
    }
    const narrowed = typesMissing(b.types, a.types); // types the new contract no longer has
    const widened = typesMissing(a.types, b.types); // types the new contract adds
    if (narrowed.length || widened.length) {
      push(path, 'retyped', `type ${a.types.join(' | ')} -> ${b.types.join(' | ')}`, written ? narrowed.length > 0 : widened.length > 0);
    }
    const ea = a.enum;
    const eb = b.enum;
    if (ea || eb) {
      if (!eb) push(path, 'enum changed', `no longer enumerated (was ${listValues(ea!)})`, !written);
      else if (!ea) push(path, 'enum changed', `now enumerated: ${listValues(eb)}`, written);
      else {
        const removed = ea.filter((v) => !eb.includes(v));
        const added = eb.filter((v) => !ea.includes(v));
        if (removed.length) push(path, 'enum changed', `values removed: ${listValues(removed)}`, written);
        if (added.length) push(path, 'enum changed', `values added: ${listValues(added)}`, !written);
      }
    }
    for (const key of new Set([...Object.keys(a.constraints), ...Object.keys(b.constraints)])) {
      const x = a.constraints[key];
      const y = b.constraints[key];
      if (JSON.stringify(x) === JSON.stringify(y)) continue;
      const direction = limitDirection(key, x, y);
      const text = `${key} ${x === undefined ? '(none)' : JSON.stringify(x)} -> ${y === undefined ? '(none)' : JSON.stringify(y)}`;
      push(path, 'limits changed', `${text} (${direction})`, written && direction !== 'looser');
    }
  }
  for (const [path, b] of now) {
    if (was.has(path)) continue;
    // Inside a new object, the object's own line says it all (and whether it is required).
    const parent = parentPath(path);
    if (parent !== '' && !was.has(parent)) continue;
    push(path, 'added', `added (${describeType(b)})`, written && b.required);
  }
  return out;
}

/** "json_body.List[].Id" -> "json_body.List[]"; "json_body.List[]" -> "json_body.List"; top level -> "". */
function parentPath(path: string): string {
  if (path.endsWith('[]') || path.endsWith('{}')) return path.slice(0, -2);
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
}

// ---------------------------------------------------------------------------
// Versions

export const majorOf = (version: string): number => {
  const m = /^(\d+)\./.exec(version);
  if (!m) throw new Error(`not a semantic version: ${version}`);
  return Number(m[1]);
};

/** A breaking change is allowed only when the major version was raised above the released one. */
export const breakingAllowed = (releasedVersion: string, currentVersion: string): boolean => majorOf(currentVersion) > majorOf(releasedVersion);

/** The report `npm run contract` prints; `onlyBreaking` lists the breaking changes alone (npm run check). */
export function formatReport(changes: Change[], releasedVersion: string, currentVersion: string, onlyBreaking = false): string {
  const lines: string[] = [];
  const breaking = changes.filter((c) => c.breaking);
  const listed = onlyBreaking ? breaking : changes;
  lines.push(`Contract ${currentVersion} (connector.json + schemas/) against the released ${releasedVersion} (contract/):`);
  if (!listed.length) lines.push(onlyBreaking ? '  no breaking change (`npm run contract` lists every change).' : '  no changes.');
  let lastScope = '';
  for (const c of listed) {
    if (c.scope !== lastScope) {
      lines.push(`  ${c.scope}`);
      lastScope = c.scope;
    }
    const where = c.field ? `${c.side} ${c.field}: ` : '';
    lines.push(`    ${c.breaking ? 'BREAKING ' : ''}${where}${c.detail}`);
  }
  const allowed = breakingAllowed(releasedVersion, currentVersion);
  lines.push(
    `${changes.length} change(s), ${breaking.length} breaking.` +
      (breaking.length
        ? allowed
          ? ` Allowed: the major version was raised (${releasedVersion} -> ${currentVersion}).`
          : ` Not allowed at ${currentVersion}: raise the major version in package.json (and connector.json) above ${majorOf(releasedVersion)}, or undo the breaking changes.`
        : ''),
  );
  return lines.join('\n');
}
