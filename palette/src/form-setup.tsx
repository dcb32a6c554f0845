/**
 * What react-jsonschema-form needs to render our schemas faithfully: a
 * validator configured like the runtime's Ajv, a date-time widget that keeps
 * what the person typed, native `pattern` hints, and ui:widget choices derived
 * from the schema (secrets masked) rather than written per field.
 */
import { getDefaultRegistry } from '@rjsf/core';
import type { BaseInputTemplateProps, ErrorSchema, ObjectFieldTemplateProps, RJSFSchema, UiSchema, WidgetProps } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import type { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { type LocatedProblem, humanize } from '../../src/contract/validation.js';

// ajv-formats is CommonJS: its default export may arrive wrapped (as in src/contract/schemas.ts).
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

/**
 * The options of createAjv() in src/contract/schemas.ts (that module reads schema files
 * from disk, so the browser cannot import it): `$data` makes
 * `formatMinimum: { $data: "1/retesting_window_start" }` work, `password` is
 * the format that marks secrets. rjsf keeps Ajv's strict mode off: it
 * validates its own rewritten copies of the schemas.
 *
 * The formats come from the bundle's ajv-formats 3, not rjsf's nested 2.x:
 * 2.x compares date-times as strings and ignores their offsets, so it takes
 * 06:59Z for later than 00:00-07:00 (which is 07:00Z).
 */
export const validator = customizeValidator({
  ajvOptionsOverrides: { allErrors: true, allowUnionTypes: true, $data: true, verbose: true, formats: { password: true } },
  ajvFormatOptions: false,
  extenderFn: (ajv) => addFormats(ajv),
});

const { BaseInputTemplate: DefaultBaseInputTemplate } = getDefaultRegistry().templates;
const DefaultCheckboxWidget = getDefaultRegistry().widgets.CheckboxWidget!;

/**
 * The input form leaves defaults out of its data (they are the runtime's to apply, and a value already in a field
 * is one a person types after rather than over): the form renders withoutValueDefaults(schema), and uiSchemaFor
 * (from the schema as it is) says each default: a text or number field as a hint ("default 30"), a checkbox the
 * person has not touched by showing it (ui:options.shownDefault).
 */
export function CheckboxWithDefault(props: WidgetProps) {
  const shown = props.options.shownDefault;
  return <DefaultCheckboxWidget {...props} value={props.value ?? (typeof shown === 'boolean' ? shown : undefined)} />;
}

/** The schema with the `default` of every string, number and boolean property taken out (rendering only: validation uses the runtime's validators). */
export function withoutValueDefaults(schema: RJSFSchema): RJSFSchema {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && value && typeof value === 'object') {
        out[key] = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, walk(property)]));
      } else if (key === 'default' && ['string', 'number', 'integer', 'boolean'].includes(String((node as { type?: unknown }).type))) {
        continue;
      } else {
        out[key] = key === 'items' ? walk(value) : value;
      }
    }
    return out;
  };
  return walk(schema) as RJSFSchema;
}

/**
 * The stock input plus the schema's `pattern` as an HTML attribute, so the
 * browser flags a malformed value while it is typed. Chromium compiles it with
 * the `v` flag (tests/unit/schemas-examples.test.ts keeps every pattern valid
 * there); rjsf's own validation still decides, since forms set noHtml5Validate.
 */
export function PatternedInputTemplate(props: BaseInputTemplateProps) {
  if (props.type === 'password') {
    // No pattern hint and no <datalist> of examples next to a secret.
    const { examples: _examples, ...schema } = props.schema;
    return <DefaultBaseInputTemplate {...props} schema={schema} />;
  }
  const pattern = typeof props.schema.pattern === 'string' ? props.schema.pattern : undefined;
  return <DefaultBaseInputTemplate {...props} {...(pattern && { pattern })} />;
}

/**
 * RFC 3339 date-times as text. rjsf's stock widget is `datetime-local`, which
 * has no offset: it converts through the browser's time zone and always emits
 * UTC, so `2025-03-23T00:00:00-07:00` would come back as another string (and a
 * value typed in Los Angeles would shift by seven hours). Here the value is
 * exactly what was typed; the schema's format and pattern validate it.
 */
export function Rfc3339Widget(props: WidgetProps) {
  return (
    <PatternedInputTemplate
      {...props}
      type="text"
      inputMode="text"
      autoComplete="off"
      spellCheck={false}
      placeholder={props.placeholder || 'e.g. 2025-03-23T00:00:00Z'}
    />
  );
}


/**
 * An object's fields: the required ones first, the optional ones folded under "Optional fields" (each
 * nested group of them folded on its own, so a 46-field request shows its one required field first).
 * The form's own root carries no heading: the page's heading already names the action.
 */
export function GroupedObjectFieldTemplate(props: ObjectFieldTemplateProps) {
  const { properties, schema, title, fieldPathId, description } = props;
  const required = new Set(schema.required ?? []);
  const visible = properties.filter((p) => !p.hidden);
  const first = visible.filter((p) => required.has(p.name));
  const optional = visible.filter((p) => !required.has(p.name));
  const isRoot = fieldPathId.path.length === 0;
  // A group that holds only optional fields opens by itself when it already has a value (an error, or one typed before).
  const hasValue = props.formData !== undefined && props.formData !== null && Object.keys(props.formData as object).length > 0;
  const fields = (
    <>
      {first.map((p) => (
        <div key={p.name} className="field">
          {p.content}
        </div>
      ))}
      {optional.length > 0 && (
        <details className="optional" data-testid={`optional-${fieldPathId.$id}`} open={first.length === 0 && !isRoot ? hasValue || undefined : undefined}>
          <summary>
            {first.length === 0 && !isRoot ? 'Fields' : 'Optional fields'} ({optional.length})
          </summary>
          {optional.map((p) => (
            <div key={p.name} className="field">
              {p.content}
            </div>
          ))}
        </details>
      )}
    </>
  );
  if (isRoot) return <div className="form-root">{fields}</div>;
  return (
    <fieldset className="group" id={fieldPathId.$id}>
      {title && <legend>{title}{props.required ? <span className="required">*</span> : null}</legend>}
      {typeof description === 'string' && description && <p className="field-description">{description}</p>}
      {fields}
    </fieldset>
  );
}

export const widgets = { DateTimeWidget: Rfc3339Widget, CheckboxWidget: CheckboxWithDefault };
export const templates = { BaseInputTemplate: PatternedInputTemplate, ObjectFieldTemplate: GroupedObjectFieldTemplate };

type SchemaNode = RJSFSchema;

/** "e.g. …": a hint that reads as an example, never as a value already filled in. */
const hint = (example: unknown) => (typeof example === 'string' || typeof example === 'number' ? `e.g. ${example}` : undefined);

/**
 * ui:widget and hints for every property, derived from the schema: the `secrets` (a connection's secret fields,
 * as src/runtime/auth.ts names them) get a masked input that the browser is asked not to store; examples become
 * "e.g. …" placeholders; a field without a title gets its name in words; required fields come first.
 */
export function uiSchemaFor(schema: RJSFSchema, secrets: ReadonlySet<string> = new Set()): UiSchema {
  const ui: UiSchema = {};
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  if (properties.length > 0) ui['ui:order'] = [...properties.map(([n]) => n).filter((n) => required.has(n)), ...properties.map(([n]) => n).filter((n) => !required.has(n))];
  for (const [name, property] of properties) {
    if (typeof property !== 'object') continue;
    const node = property as SchemaNode;
    const entry: UiSchema = node.title ? {} : { 'ui:title': humanize(name) };
    const example = Array.isArray(node.examples) ? node.examples[0] : undefined;
    if (secrets.has(name)) {
      Object.assign(entry, { 'ui:widget': 'password', 'ui:autocomplete': 'new-password' });
    } else if (node.type === 'boolean' && typeof node.default === 'boolean') {
      entry['ui:options'] = { shownDefault: node.default };
    } else if (node.type === 'object') {
      Object.assign(entry, uiSchemaFor(node));
    } else if (node.type === 'array' && node.items && typeof node.items === 'object' && !Array.isArray(node.items)) {
      const item = node.items as SchemaNode;
      const itemExample = Array.isArray(item.examples) ? item.examples[0] : undefined;
      entry.items = item.type === 'object' ? uiSchemaFor(item) : hint(itemExample) ? { 'ui:placeholder': hint(itemExample) } : {};
    } else if (node.default !== undefined && node.type !== 'boolean' && (typeof node.default === 'string' || typeof node.default === 'number')) {
      entry['ui:placeholder'] = `default ${node.default}`;
    } else if (hint(example) && node.type !== 'boolean' && !Array.isArray(node.enum)) {
      entry['ui:placeholder'] = hint(example);
    }
    if (Object.keys(entry).length > 0) ui[name] = entry;
  }
  return ui;
}

/** The shared wording's problems as rjsf's ErrorSchema: each message under its field, shown next to it. */
export function errorSchemaOf(problems: readonly LocatedProblem[]): ErrorSchema {
  const root: Record<string, unknown> = {};
  for (const problem of problems) {
    let node = root;
    for (const raw of problem.pointer.split('/').slice(1)) {
      const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    ((node.__errors ??= []) as string[]).push(problem.message);
  }
  return root as ErrorSchema;
}

/**
 * The form's data as the runtime should see it: a text box left empty is a field not given, an empty
 * optional group is left out (rjsf keeps "" and {} for fields a person touched and cleared); a required
 * group stays, so a missing field inside it is named ("Project ID: required").
 */
export function cleaned(value: unknown, schema: RJSFSchema | undefined): unknown {
  if (Array.isArray(value)) {
    const items = schema && typeof schema.items === 'object' && !Array.isArray(schema.items) ? (schema.items as RJSFSchema) : undefined;
    return value.filter((v) => v !== undefined && v !== null && v !== '').map((v) => cleaned(v, items));
  }
  if (value && typeof value === 'object') {
    const required = new Set(schema?.required ?? []);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const property = schema?.properties?.[key];
      const next = cleaned(item, typeof property === 'object' ? property : undefined);
      const empty = next === undefined || next === '' || (next !== null && typeof next === 'object' && !Array.isArray(next) && Object.keys(next).length === 0);
      if (empty && !(required.has(key) && next !== undefined && next !== '')) continue;
      out[key] = next;
    }
    return out;
  }
  return value;
}
