/**
 * An OpenAPI 3.1 document derived from the manifest and the schemas, for platforms that build connectors from
 * OpenAPI (Shuffle, Windmill, Power Automate / Logic Apps custom connectors, Postman). One operation per plain
 * REST action (operationId = the action id) with its declared method, path, path and query parameters, body
 * (the value at request.body.source as JSON: a string source is a bare JSON string) and success response; a
 * security scheme per connection, from its declared auth (src/runtime/auth.ts says which scheme an auth is);
 * a server per connection, its URL's default. A wait (a declared poll) is not an HTTP operation of its own:
 * it is described on the operation it polls. A pure function of (manifest, schema reader), like the MCP tool
 * list, so a test can run it on a manifest with a third vendor.
 */
import { bundleSchema, type SchemaReader } from '../../src/contract/bundle.js';
import type { ActionDeclaration, ConnectorManifest } from '../../src/contract/manifest.js';
import { openApiSecurityScheme } from '../../src/runtime/auth.js';

type Json = Record<string, unknown>;

const COMPONENTS = '#/components/schemas/';

/** A pointer token as it stands in a JSON Pointer. */
const token = (name: string) => name.replace(/~/g, '~0').replace(/\//g, '~1');

/** A JSON Pointer's tokens, unescaped. */
const tokens = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((t) => decodeURIComponent(t).replace(/~1/g, '/').replace(/~0/g, '~'));

/** Hoists one bundled schema into components: its embedded files under their own keys (shared between actions), itself under `root`. */
function hoist(bundled: Json, root: string, components: Record<string, Json>): void {
  const { definitions = {}, ...own } = bundled as { definitions?: Record<string, Json> } & Json;
  const embedded = new Set(Object.keys(definitions));
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node as Json)) {
      if (key === '$schema' || key === '$id') continue;
      // Ajv's $data (a window end not before its start) is not JSON Schema: the runtime still checks it.
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && '$data' in value) continue;
      if (key === '$ref' && typeof value === 'string') out.$ref = rewriteRef(value);
      else out[key] = rewrite(value);
    }
    return out;
  };
  const rewriteRef = (ref: string): string => {
    const [first, ...rest] = tokens(ref.slice(1));
    if (first === 'definitions' && rest.length > 0 && embedded.has(rest[0]!)) {
      return COMPONENTS + [rest[0]!, ...rest.slice(1)].map(token).join('/');
    }
    return COMPONENTS + [root, ...(first === undefined ? [] : [first, ...rest])].map(token).join('/');
  };
  for (const [key, schema] of Object.entries(definitions)) components[key] ??= rewrite(schema) as Json;
  components[root] = rewrite(own) as Json;
}

/** Follows `path` (property names) from the component `root`, through `$ref`s, to the schema there. */
function schemaAt(components: Record<string, Json>, root: string, path: string[]): Json | undefined {
  const resolve = (node: Json): Json => {
    let current = node;
    for (let hops = 0; typeof current.$ref === 'string' && hops < 32; hops++) {
      const [name, ...rest] = tokens(current.$ref.slice(COMPONENTS.length - 1));
      let target: unknown = components[name!];
      for (const t of rest) target = target !== null && typeof target === 'object' ? (target as Json)[t] : undefined;
      if (target === undefined || target === null || typeof target !== 'object') return current;
      current = target as Json;
    }
    return current;
  };
  let node: Json | undefined = resolve(components[root]!);
  for (const name of path) {
    if (!node) return undefined;
    const direct: Json | undefined = (node.properties as Record<string, Json> | undefined)?.[name];
    const viaAllOf = ((node.allOf as Json[] | undefined) ?? []).map((part) => (resolve(part).properties as Record<string, Json> | undefined)?.[name]).filter(Boolean).at(-1);
    const found: Json | undefined = direct ?? viaAllOf;
    node = found ? resolve(found) : undefined;
  }
  return node;
}

/** The properties of an object schema with whether each is required, in declaration order. */
function propertiesOf(schema: Json | undefined): { name: string; schema: Json; required: boolean }[] {
  if (!schema) return [];
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries((schema.properties as Record<string, Json> | undefined) ?? {}).map(([name, sub]) => ({ name, schema: sub, required: required.has(name) }));
}

/** The success status the output schema's examples show (201 for a created scan), else 200. */
function successStatus(output: Json): string {
  const examples = (output.examples as { status_code?: number }[] | undefined) ?? [];
  const status = examples.map((e) => e.status_code).find((code) => typeof code === 'number' && code >= 200 && code <= 299);
  return String(status ?? 200);
}

/** The connection's server: its schema's `url` default, else its first example. */
function serverOf(manifest: ConnectorManifest, connectionId: string, read: SchemaReader): { url: string; description: string } {
  const connection = manifest.connections[connectionId]!;
  const url = ((read(connection.schema).properties as Record<string, Json> | undefined)?.url ?? {}) as { default?: string; examples?: string[] };
  return { url: url.default ?? url.examples?.[0] ?? 'https://example.invalid', description: `${connection.title} (the connection's url)` };
}

function isWait(action: ActionDeclaration): boolean {
  return (action as { poll?: unknown }).poll !== undefined;
}

export function buildOpenApi(manifest: ConnectorManifest, read: SchemaReader): Json {
  const components: Record<string, Json> = {};
  const paths: Record<string, Record<string, Json>> = {};
  const vendorName = (id: string) => manifest.vendors.find((v) => v.id === id)?.name ?? id;

  for (const action of manifest.actions.filter((a) => !isWait(a))) {
    const input = `${action.id}.input`;
    const output = `${action.id}.output`;
    hoist(bundleSchema(action.input_schema, read), input, components);
    hoist(bundleSchema(action.output_schema, read), output, components);
    const request = action.request as { path_parameters?: string; query?: { source: string }; body?: { encoding: 'json'; source: string } };

    const parameters: Json[] = [];
    if (request.path_parameters) {
      for (const p of propertiesOf(schemaAt(components, input, tokens(request.path_parameters)))) {
        parameters.push({ name: p.name, in: 'path', required: true, ...(typeof p.schema.description === 'string' ? { description: p.schema.description } : {}), schema: p.schema });
      }
    }
    if (request.query) {
      for (const p of propertiesOf(schemaAt(components, input, tokens(request.query.source)))) {
        parameters.push({ name: p.name, in: 'query', required: p.required, ...(typeof p.schema.description === 'string' ? { description: p.schema.description } : {}), schema: p.schema });
      }
    }

    const operation: Json = {
      operationId: action.id,
      summary: action.title,
      description: action.description,
      tags: [vendorName(action.vendor)],
      servers: [serverOf(manifest, action.connection, read)],
      security: [{ [action.connection]: [] }],
      ...(parameters.length > 0 ? { parameters } : {}),
    };
    if (request.body) {
      const source = tokens(request.body.source);
      const body = schemaAt(components, input, source);
      if (!body) throw new Error(`${action.id}: request.body.source ${request.body.source} is not in ${action.input_schema}`);
      operation.requestBody = {
        required: true,
        description: `The input's ${request.body.source.slice(1).replace(/\//g, '.')} as JSON${body.type === 'string' ? ' (a bare JSON string)' : ''}.`,
        content: { 'application/json': { schema: body } },
      };
    }
    const outputSchema = read(action.output_schema) as Json;
    const file = (action as { response?: { file?: unknown } }).response?.file !== undefined;
    const jsonBody = schemaAt(components, output, ['json_body']);
    operation.responses = {
      [successStatus(outputSchema)]: {
        description: file ? 'The file (a report), as the vendor sends it.' : 'The vendor\'s answer (json_body of the envelope).',
        content: file
          ? { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } }
          : { 'application/json': { schema: jsonBody ?? {} } },
      },
      default: { description: 'An error status; the body is the vendor\'s error model (see the json_body of the output schema).' },
    };
    (paths[action.path] ??= {})[action.method.toLowerCase()] = operation;
  }

  // A wait polls a plain action: said on that operation, in words and as an extension.
  for (const wait of manifest.actions.filter(isWait)) {
    const poll = (wait as unknown as { poll: { action: string; until: { pointer: string; in: unknown[] } } }).poll;
    const polled = manifest.actions.find((a) => a.id === poll.action);
    const operation = polled ? paths[polled.path]?.[polled.method.toLowerCase()] : undefined;
    if (!operation) throw new Error(`${wait.id}: polls ${poll.action}, which is not an operation`);
    operation.description =
      `${String(operation.description)}\n\n${wait.id} (${wait.title}) is this call, repeated: it polls ${poll.action} until ` +
      `${poll.until.pointer} is one of ${poll.until.in.map((v) => JSON.stringify(v)).join(', ')} (or its timeout passes), waiting between polls; ` +
      'a platform that schedules its own steps calls this operation again instead.';
    const waits = (operation['x-retest-connectors-waits'] ??= []) as Json[];
    waits.push({ action: wait.id, title: wait.title, until: poll.until });
  }

  const securitySchemes = Object.fromEntries(
    Object.entries(manifest.connections).map(([id, connection]) => [id, { ...openApiSecurityScheme(connection.auth), description: connection.title }]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: manifest.title,
      version: manifest.version,
      description: `${manifest.description}\n\nGenerated from connector.json by scripts/generate-openapi.ts. One operation per plain REST action (operationId = action id); each operation names its vendor's server and security scheme.`,
    },
    tags: manifest.vendors.map((v) => ({ name: v.name, ...((v as { website?: string }).website ? { externalDocs: { url: (v as { website?: string }).website } } : {}) })),
    paths,
    components: { schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))), securitySchemes },
  };
}
