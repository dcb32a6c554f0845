/**
 * What react-jsonschema-form needs to render our schemas faithfully: a
 * validator configured like the runtime's Ajv, a date-time widget that keeps
 * what the person typed, native `pattern` hints, and ui:widget choices derived
 * from the schema (secrets masked) rather than written per field.
 */
import { getDefaultRegistry } from '@rjsf/core';
import type { BaseInputTemplateProps, RJSFSchema, RJSFValidationError, UiSchema, WidgetProps } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import type { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

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
      placeholder={props.placeholder || '2025-03-23T00:00:00Z'}
    />
  );
}

export const widgets = { DateTimeWidget: Rfc3339Widget };
export const templates = { BaseInputTemplate: PatternedInputTemplate };

type SchemaNode = RJSFSchema & { writeOnly?: boolean };

const isSecret = (schema: SchemaNode) => schema.writeOnly === true || schema.format === 'password';

/** ui:widget and hints for every property, derived from the schema: secrets get a masked input. */
export function uiSchemaFor(schema: RJSFSchema): UiSchema {
  const ui: UiSchema = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (typeof property !== 'object') continue;
    const node = property as SchemaNode;
    const example = Array.isArray(node.examples) ? node.examples[0] : undefined;
    if (isSecret(node)) {
      ui[name] = { 'ui:widget': 'password', 'ui:autocomplete': 'off' };
    } else if (node.type === 'object') {
      ui[name] = uiSchemaFor(node);
    } else if (node.type === 'array' && node.items && typeof node.items === 'object' && !Array.isArray(node.items)) {
      const item = node.items as SchemaNode;
      const itemExample = Array.isArray(item.examples) ? item.examples[0] : undefined;
      ui[name] = { items: typeof itemExample === 'string' ? { 'ui:placeholder': itemExample } : {} };
    } else if (typeof example === 'string' && node.default === undefined) {
      ui[name] = { 'ui:placeholder': example };
    }
  }
  return ui;
}

/** The schema node an Ajv schemaPath (`#/properties/a/properties/b/formatMinimum`) points into. */
function nodeAt(root: RJSFSchema, schemaPath: string): unknown {
  let node: unknown = root;
  for (const part of schemaPath.replace(/^#\//, '').split('/')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/**
 * Friendlier messages where Ajv's are cryptic. A `formatMinimum` that refers to
 * a sibling field with `$data` ("end not before start") names that field
 * instead of only printing a bound.
 */
export function errorTransformerFor(schema: RJSFSchema) {
  return (errors: RJSFValidationError[]): RJSFValidationError[] =>
    errors.map((error) => {
      if ((error.name === 'formatMinimum' || error.name === 'formatMaximum') && error.schemaPath) {
        const bound = nodeAt(schema, error.schemaPath) as { $data?: string } | undefined;
        if (bound && typeof bound.$data === 'string') {
          const sibling = bound.$data.split('/').pop()!;
          const parentPath = error.schemaPath.split('/').slice(0, -3).join('/');
          const parent = nodeAt(schema, parentPath) as RJSFSchema | undefined;
          const siblingSchema = parent?.properties?.[sibling];
          const title = siblingSchema && typeof siblingSchema === 'object' && siblingSchema.title ? siblingSchema.title : sibling;
          const limit = (error.params as { limit?: unknown } | undefined)?.limit;
          const relation = error.name === 'formatMinimum' ? 'before' : 'after';
          const message = `must not be ${relation} ${title}${typeof limit === 'string' ? ` (${limit})` : ''}`;
          const field = nodeAt(schema, error.schemaPath.split('/').slice(0, -1).join('/')) as RJSFSchema | undefined;
          const name = field?.title ? `'${field.title}'` : (error.property ?? '');
          return { ...error, message, stack: `${name} ${message}`.trim() };
        }
      }
      return error;
    });
}
