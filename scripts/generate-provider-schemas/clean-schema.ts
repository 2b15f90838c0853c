import { isRecord, KEYWORD_ORDER, type JsonValue, type Schema } from './json-schema.js';

export interface CleanContext {
  /** Rewrites a spec `$ref` (e.g. `#/components/schemas/TerraUser`) to the reference the output uses. */
  ref(target: string): string;
  /** Whether the spec declares this enum open to values it does not list. */
  isOpenEnum(raw: Readonly<Record<string, unknown>>): boolean;
}

// Formats that say what a string looks like (the sample synthesiser uses them); ajv ignores formats
// here anyway. The rest (int64, binary) say nothing a JSON payload can use.
const KEPT_FORMATS: Readonly<Record<string, string>> = {
  'date-time': 'date-time',
  date: 'date',
  time: 'time',
  uuid: 'uuid',
  uuid4: 'uuid',
  email: 'email',
  uri: 'uri',
};

/**
 * Reduces an OpenAPI 3.0/3.1 schema to the structural draft-07 subset in `Schema`: types, properties,
 * required, items, enum/const, combinators and refs. Prose, examples, bounds, patterns and vendor
 * extensions go; so does every `additionalProperties: false`, because providers add fields without
 * notice and a stricter schema would quarantine good deliveries.
 */
export function cleanSchema(raw: unknown, context: CleanContext): Schema {
  if (raw === true || raw === undefined) return {};
  if (!isRecord(raw)) throw new Error(`Not a schema: ${JSON.stringify(raw)}`);

  let out: Schema = {};
  if (typeof raw.type === 'string' || Array.isArray(raw.type)) out.type = normaliseType(raw.type as string | string[]);
  if (typeof raw.format === 'string' && KEPT_FORMATS[raw.format] !== undefined && typesOf(out).includes('string')) {
    out.format = KEPT_FORMATS[raw.format];
  }
  if ('const' in raw) out.const = raw.const as JsonValue;
  if (Array.isArray(raw.enum)) {
    const values = raw.enum as JsonValue[];
    if (context.isOpenEnum(raw)) {
      out.examples = values;
      out.type ??= inferType(values);
    } else {
      out.enum = values;
    }
  }
  if (isRecord(raw.properties)) {
    const properties: Record<string, Schema> = {};
    for (const [name, property] of Object.entries(raw.properties)) properties[name] = cleanSchema(property, context);
    if (Object.keys(properties).length > 0) out.properties = properties;
  }
  if (Array.isArray(raw.required) && raw.required.length > 0) out.required = [...(raw.required as string[])];
  if (Array.isArray(raw.prefixItems)) {
    // 2020-12 tuples; draft-07 says the same with an array of `items`.
    out.items = raw.prefixItems.map((item) => cleanSchema(item, context));
  } else if (Array.isArray(raw.items)) {
    out.items = raw.items.map((item) => cleanSchema(item, context));
  } else if (raw.items !== undefined) {
    out.items = cleanSchema(raw.items, context);
  }
  // A schema for the values of a map is structure; `true`/`false`/`{}` are not (extras stay allowed).
  // `unevaluatedProperties` (2020-12) means the same where nothing else declares properties.
  const mapValues = isRecord(raw.additionalProperties) ? raw.additionalProperties : raw.unevaluatedProperties;
  if (isRecord(mapValues)) {
    const values = cleanSchema(mapValues, context);
    if (Object.keys(values).length > 0) out.additionalProperties = values;
  }
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    const arms = raw[keyword];
    if (Array.isArray(arms)) out[keyword] = arms.map((arm) => cleanSchema(arm, context));
  }
  out = simplifyCombinators(out, context.isOpenEnum(raw));

  if (typeof raw.$ref === 'string') {
    const ref: Schema = { $ref: context.ref(raw.$ref) };
    out = isEmpty(out) ? ref : { allOf: [ref, out] };
  }
  // OpenAPI 3.0 spelling of "or null"; 3.1 specs say it with type unions instead.
  if (raw.nullable === true) out = makeNullable(out);
  return ordered(out);
}

/** The schema that accepts what `schema` accepts, and null. */
export function makeNullable(schema: Schema): Schema {
  const types = typesOf(schema);
  if (schema.anyOf?.some((arm) => arm.type === 'null' && Object.keys(arm).length === 1)) return schema;
  if (schema.type === undefined) {
    // No type and no constraint already accepts null; constraints without a type need a union.
    return isEmpty(schema) ? schema : { anyOf: [schema, { type: 'null' }] };
  }
  if (schema.$ref !== undefined || schema.allOf !== undefined || schema.anyOf !== undefined || schema.oneOf !== undefined) {
    return { anyOf: [schema, { type: 'null' }] };
  }
  if (types.includes('null')) return schema;
  const out: Schema = { ...schema, type: [...types, 'null'] };
  if (out.const !== undefined) {
    out.enum = [out.const, null];
    delete out.const;
  } else if (out.enum !== undefined) {
    out.enum = [...out.enum, null];
  }
  return ordered(out);
}

/**
 * Rewrites the combinator idioms the specs use into plainer keywords ajv compiles faster and the type
 * emitter prints more readably: `anyOf: [{type: X}, {type: 'null'}]` becomes a type union (or a nullable
 * schema), and a `oneOf` of `const`s (Terra's enums) becomes an `enum`.
 */
function simplifyCombinators(schema: Schema, open: boolean): Schema {
  let out = schema;
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const arms = out[keyword];
    if (arms === undefined || out.type !== undefined || out.enum !== undefined || out.const !== undefined) continue;
    const rest: Schema = { ...out };
    delete rest[keyword];
    if (!isEmpty(rest)) continue;

    if (arms.length === 1 && arms[0] !== undefined) {
      out = arms[0];
    } else if (arms.every((arm) => arm.type !== undefined && onlyKeys(arm, ['type']))) {
      out = { type: normaliseType(arms.flatMap(typesOf)) };
    } else if (arms.every((arm) => arm.const !== undefined && onlyKeys(arm, ['type', 'const']))) {
      const values = arms.map((arm) => arm.const as JsonValue);
      const type = arms.every((arm) => arm.type !== undefined) ? normaliseType(arms.flatMap(typesOf)) : inferType(values);
      out = open ? { type, examples: values } : { type, enum: values };
    } else {
      const nonNull = arms.filter((arm) => !(onlyKeys(arm, ['type']) && arm.type === 'null'));
      if (nonNull.length === 1 && arms.length === 2 && nonNull[0] !== undefined) out = makeNullable(nonNull[0]);
    }
  }
  if (out.allOf?.length === 1 && out.allOf[0] !== undefined) {
    const rest: Schema = { ...out };
    delete rest.allOf;
    if (isEmpty(rest)) out = out.allOf[0];
  }
  return out;
}

export function typesOf(schema: Schema): string[] {
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

function normaliseType(type: string | string[]): string | string[] {
  if (!Array.isArray(type)) return type;
  const unique = [...new Set(type)];
  return unique.length === 1 && unique[0] !== undefined ? unique[0] : unique;
}

function inferType(values: readonly JsonValue[]): string | string[] {
  return normaliseType(
    values.map((value) => {
      if (value === null) return 'null';
      if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
      return Array.isArray(value) ? 'array' : typeof value;
    }),
  );
}

function onlyKeys(schema: Schema, keys: readonly string[]): boolean {
  return Object.keys(schema).every((key) => keys.includes(key));
}

function isEmpty(schema: Schema): boolean {
  return Object.keys(schema).length === 0;
}

/** The same schema with its keywords in `KEYWORD_ORDER`. */
export function ordered(schema: Schema): Schema {
  const out: Record<string, unknown> = {};
  for (const keyword of KEYWORD_ORDER) if (schema[keyword] !== undefined) out[keyword] = schema[keyword];
  return out as Schema;
}
