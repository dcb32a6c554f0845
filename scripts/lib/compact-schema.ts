/**
 * An agent-sized copy of a bundled schema, for the MCP tool list (scripts/lib/mcp-tools.ts): what a model
 * needs to call a tool and read its result, in a fraction of the bytes. Every internal `$ref` is inlined;
 * below `maxDepth` levels of nesting (properties, items, additionalProperties) a sub-model keeps only its
 * type ("an object"): the full model stays one `retest-connectors describe <id> --json` away, and the
 * server validates every call against the full schema anyway. Examples, titles, `$comment`s and long enum
 * lists are left out; descriptions are cut to their first sentence (inputs) or left out (outputs).
 *
 * The copy only ever accepts more than the original (it drops constraints, never adds one), so a valid
 * input or envelope stays valid under it: `oneOf` becomes `anyOf` (branches that lost their differences
 * would otherwise both match), and a `not` or `if` is dropped rather than relaxed (relaxing inside them
 * would forbid more).
 */
import { fragmentTokens } from '../../src/contract/json-pointer.js';
type Json = Record<string, unknown>;

export interface CompactOptions {
  /** Levels of nesting kept whole; deeper sub-models keep only their type. */
  maxDepth: number;
  /** 'first-sentence': each description cut to its first sentence and at most 100 characters; 'none': left out. */
  descriptions: 'first-sentence' | 'none';
  /**
   * Keep the value constraints a model acts on (format, bounds, default, a short pattern): inputs yes, outputs
   * no. Size caps (maxLength, maxItems …) are always left out: the server enforces them.
   */
  constraints: boolean;
  /** An enum whose JSON is longer than this is left out (its type stays). */
  maxEnumChars: number;
  /** From this depth on, an optional property keeps no description (its name says enough; `describe` has the rest). */
  optionalDescriptionsFrom?: number;
  /** From this depth on, an optional property that is an object (or a list of objects) keeps only its type. */
  optionalModelsFrom?: number;
  /**
   * From this depth on, only these properties (and required ones) are listed; the others are still allowed
   * (`additionalProperties: false` goes with them), and an optional sub-model named here keeps its fields.
   * The MCP outputs list the fields the action's summary names.
   */
  keepProperties?: { fromDepth: number; names: ReadonlySet<string> };
}

/** Keywords whose value is one schema. */
const SUBSCHEMA = new Set(['items', 'additionalProperties', 'contains', 'propertyNames', 'additionalItems']);
/** Keywords whose value is an array of schemas. */
const SUBSCHEMA_LISTS = new Set(['anyOf', 'allOf', 'oneOf']);
/** Keywords whose value maps names to schemas. */
const SUBSCHEMA_MAPS = new Set(['properties', 'patternProperties']);
/** Value constraints: kept only with `constraints`. */
const CONSTRAINTS = new Set(['format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'uniqueItems', 'default']);
/** A pattern longer than this (a GUID's is 84 characters) is left out; the description names the format. */
const MAX_PATTERN_CHARS = 40;
/** Always kept as they are. */
const KEPT = new Set(['type', 'required', 'const', '$schema']);

export function firstSentence(text: string, max = 100): string {
  // Swagger's generated "Gets or sets the X." says no more than "The X.".
  const collapsed = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^Gets or sets (?:a value indicating )?(\w)/i, (_, first: string) => first.toUpperCase());
  const end = collapsed.search(/\.(\s|$)/);
  const sentence = end >= 0 ? collapsed.slice(0, end + 1) : collapsed;
  if (sentence.length <= max) return sentence;
  const cut = sentence.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`;
}

/** An object with properties of its own, or a list of them: a sub-model. */
function isModel(node: Json, resolve: (node: Json) => Json): boolean {
  if (node.properties !== undefined) return true;
  const items = node.items;
  return items !== undefined && typeof items === 'object' && !Array.isArray(items) && resolve(items as Json).properties !== undefined;
}

/** The type of a schema, as a schema: `{type}` when one can be told, else `{}` (anything). */
function typeOnly(node: Json, resolve: (node: Json) => Json): Json {
  const resolved = resolve(node);
  if (resolved.type !== undefined) return { type: resolved.type };
  const branches = (resolved.anyOf ?? resolved.oneOf) as Json[] | undefined;
  if (branches) {
    const types = branches.map((b) => typeOnly(b, resolve));
    if (types.every((t) => t.type !== undefined)) {
      const unique = [...new Map(types.map((t) => [JSON.stringify(t), t])).values()];
      return unique.length === 1 ? unique[0]! : { anyOf: unique };
    }
  }
  const parts = resolved.allOf as Json[] | undefined;
  if (parts) {
    const typed = parts.map((p) => typeOnly(p, resolve)).find((t) => t.type !== undefined);
    if (typed) return typed;
  }
  return {};
}

/** The compact copy of `schema` (a bundled schema: every `$ref` points inside it). */
export function compactSchema(schema: Json, options: CompactOptions): Json {
  const pointer = (ref: string): Json | undefined => {
    if (!ref.startsWith('#')) return undefined;
    let node: unknown = schema;
    for (const key of fragmentTokens(ref)) {
      node = node !== null && typeof node === 'object' ? (node as Json)[key] : undefined;
    }
    return node !== null && typeof node === 'object' ? (node as Json) : undefined;
  };
  const resolve = (node: Json): Json => {
    let current = node;
    for (let hops = 0; typeof current.$ref === 'string'; hops++) {
      const target = pointer(current.$ref);
      if (!target || hops > 32) throw new Error(`compactSchema: cannot resolve ${String(current.$ref)}`);
      // The referring node's own keywords win over the target's (as inline-refs.ts does).
      const { $ref: _ref, ...own } = current;
      current = { ...target, ...own };
    }
    return current;
  };

  const walk = (raw: Json, depth: number, seen: readonly string[]): Json => {
    if (typeof raw.$ref === 'string' && seen.includes(raw.$ref)) return typeOnly(raw, resolve);
    const node = resolve(raw);
    const trail = typeof raw.$ref === 'string' ? [...seen, raw.$ref] : seen;
    if (depth > options.maxDepth) return typeOnly(node, resolve);
    const out: Json = {};
    let opened = false;
    for (const [key, value] of Object.entries(node)) {
      if (KEPT.has(key)) out[key] = value;
      else if (key === 'description' && typeof value === 'string' && options.descriptions === 'first-sentence') out[key] = firstSentence(value);
      else if (key === 'enum' && Array.isArray(value) && JSON.stringify(value).length <= options.maxEnumChars) out[key] = value;
      else if (CONSTRAINTS.has(key) && options.constraints) out[key] = value;
      else if (key === 'pattern' && options.constraints && typeof value === 'string' && value.length <= MAX_PATTERN_CHARS) out[key] = value;
      else if (SUBSCHEMA_MAPS.has(key)) {
        const required = new Set((node.required as string[] | undefined) ?? []);
        const keep = options.keepProperties && depth + 1 >= options.keepProperties.fromDepth && key === 'properties' ? options.keepProperties.names : undefined;
        const entries = Object.entries(value as Record<string, Json>).filter(([name]) => !keep || keep.has(name) || required.has(name));
        if (entries.length < Object.keys(value as Json).length && node.additionalProperties === false) opened = true;
        out[key] = Object.fromEntries(
          entries.map(([name, sub]) => {
            const optionalModel =
              key === 'properties' &&
              !required.has(name) &&
              !options.keepProperties?.names.has(name) &&
              depth + 1 >= (options.optionalModelsFrom ?? Infinity) &&
              isModel(resolve(sub), resolve);
            if (!optionalModel) {
              const walked = walk(sub, depth + 1, trail);
              if (key === 'properties' && !required.has(name) && depth + 1 >= (options.optionalDescriptionsFrom ?? Infinity)) delete walked.description;
              return [name, walked];
            }
            const described = resolve(sub).description;
            const cut = typeOnly(sub, resolve);
            const keepDescription = typeof described === 'string' && options.descriptions === 'first-sentence' && depth + 1 < (options.optionalDescriptionsFrom ?? Infinity);
            return [name, keepDescription ? { ...cut, description: firstSentence(described as string) } : cut];
          }),
        );
      } else if (SUBSCHEMA.has(key)) {
        out[key] = typeof value === 'boolean' ? value : walk(value as Json, depth + 1, trail);
      }
      else if (SUBSCHEMA_LISTS.has(key)) {
        const branches = (value as Json[]).map((sub) => walk(sub, depth, trail));
        const unique = [...new Map(branches.map((b) => [JSON.stringify(b), b])).values()];
        if (key === 'allOf') out.allOf = unique;
        // A branch that accepts anything makes the whole union accept anything.
        else if (!unique.some((b) => Object.keys(b).length === 0)) out.anyOf = unique;
      }
      // Everything else (examples, title, $comment, $id, definitions, not, if/then/else, x-*) is left out.
    }
    if (opened) delete out.additionalProperties;
    return out;
  };

  return walk(schema, 0, []);
}
