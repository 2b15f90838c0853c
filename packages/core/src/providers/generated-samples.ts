/** A JSON Schema as the generated files hold it: plain data, read keyword by keyword. */
type SchemaObject = { readonly [keyword: string]: unknown };

export interface SampleOptions {
  /**
   * Also fill optional properties (each `$ref` at most once per branch, so recursive schemas end).
   * By default a sample has only what the schema requires: the smallest payload that is valid.
   */
  readonly includeOptional?: boolean;
  /** The instant date-time fields are based on. Default 2024-05-01T08:00:00Z. */
  readonly baseTime?: Date;
  /** Mixed into generated ids, so two samples of one schema can be told apart. Default "". */
  readonly seed?: string;
}

const DEFAULT_BASE_TIME = new Date('2024-05-01T08:00:00Z');
/** Deeper than any provider's payload nests named schemas; a guard against recursive schemas. */
const MAX_REF_DEPTH = 12;
const HOUR_MS = 3_600_000;

/**
 * Builds deterministic sample instances of JSON Schemas: the same schema and options always give the
 * same JSON. Values are chosen to look like real payloads where that is cheap: the schema's first
 * `examples` value or enum value, ISO timestamps for date-time fields (an hour later for `end`/`stop`
 * fields), dates for `*_date` fields, UUIDs for ids (one per name for `user_id` and the like, one per
 * record for `id`), one element in every array; by format where the schema gives one, else by name.
 */
export class SampleSynthesizer {
  private readonly byId = new Map<string, SchemaObject>();

  /** @param sharedSchemas the `$id`'d schemas that `$ref`s point to (a generated `*SharedSchemas`). */
  constructor(sharedSchemas: readonly object[] = []) {
    for (const schema of sharedSchemas) {
      const id = (schema as SchemaObject).$id;
      if (typeof id === 'string') this.byId.set(id, schema as SchemaObject);
    }
  }

  sample(schema: object, options: SampleOptions = {}): unknown {
    const state: State = {
      includeOptional: options.includeOptional ?? false,
      baseTime: (options.baseTime ?? DEFAULT_BASE_TIME).getTime(),
      seed: options.seed ?? '',
    };
    return this.value(schema as SchemaObject, { path: '', name: '', refs: [] }, state);
  }

  private value(schema: SchemaObject, at: Position, state: State): unknown {
    if (typeof schema.$ref === 'string') {
      const target = this.byId.get(schema.$ref);
      if (target === undefined) throw new Error(`Unknown $ref ${schema.$ref}`);
      if (at.refs.length >= MAX_REF_DEPTH * 2) throw new Error(`${schema.$ref} requires itself at ${at.path}: no finite sample`);
      return this.value(target, { ...at, refs: [...at.refs, schema.$ref] }, state);
    }
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum)) return schema.enum.find((value) => value !== null) ?? schema.enum[0];
    // A schema's own example is the most realistic value there is (the generator keeps an open
    // enum's known values there).
    if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
    if (Array.isArray(schema.allOf)) return this.allOf(schema, at, state);
    const union = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
    if (union !== undefined) {
      // Prefer a branch with content: a sample full of nulls shows nothing about the payload.
      const arms = union as SchemaObject[];
      const arm = arms.find((candidate) => candidate.type !== 'null') ?? arms[0];
      if (arm !== undefined) return this.value(arm, at, state);
    }
    switch (primaryType(schema)) {
      case 'object':
        return this.object(schema, at, state);
      case 'array':
        return this.array(schema, at, state);
      case 'string':
        return this.string(schema, at, state);
      case 'integer':
        return /offset/i.test(at.name) ? 0 : 1;
      case 'number':
        return /offset/i.test(at.name) ? 0 : 1.5;
      case 'boolean':
        return false;
      case 'null':
        return null;
      default:
        return {};
    }
  }

  private allOf(schema: SchemaObject, at: Position, state: State): unknown {
    const { allOf, ...rest } = schema;
    const parts = [...(allOf as SchemaObject[]), rest].map((part) => this.value(part, at, state));
    const objects = parts.filter(isPlainObject);
    if (objects.length === parts.length) return Object.assign({}, ...objects) as unknown;
    return parts.find((part) => !isPlainObject(part) || Object.keys(part).length > 0);
  }

  private object(schema: SchemaObject, at: Position, state: State): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const properties = isPlainObject(schema.properties) ? (schema.properties as Record<string, SchemaObject>) : {};
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    for (const [name, property] of Object.entries(properties)) {
      if (!required.has(name) && !(state.includeOptional && !this.recurses(property, at))) continue;
      out[name] = this.value(property, { path: `${at.path}/${name}`, name, refs: at.refs }, state);
    }
    return out;
  }

  private array(schema: SchemaObject, at: Position, state: State): unknown[] {
    const items = schema.items;
    if (Array.isArray(items)) {
      return (items as SchemaObject[]).map((item, index) => this.value(item, { ...at, path: `${at.path}/${index}` }, state));
    }
    // An empty array is valid and ends recursive item schemas.
    if (!isPlainObject(items) || this.recurses(items as SchemaObject, at)) return [];
    return [this.value(items as SchemaObject, { ...at, path: `${at.path}/0` }, state)];
  }

  private string(schema: SchemaObject, at: Position, state: State): string {
    const name = at.name.toLowerCase();
    const format = typeof schema.format === 'string' ? schema.format : formatByName(name);
    switch (format) {
      case 'uuid':
        // `user_id`, `team_id`... name one thing wherever they appear; a bare `id` is its record's own.
        return uuidFor(state.seed + (name === 'id' || name === '' ? at.path : name));
      case 'date':
        return new Date(state.baseTime).toISOString().slice(0, 10);
      case 'date-time': {
        const later = /(^|_)(end|stop)(_|$)/.test(name) ? HOUR_MS : 0;
        // Terra's documented shape (microseconds, explicit offset); any ISO 8601 parser reads it.
        return `${new Date(state.baseTime + later).toISOString().slice(0, 19)}.000000+00:00`;
      }
      case 'time':
        return new Date(state.baseTime).toISOString().slice(11, 19);
      case 'email':
        return 'user@example.com';
      case 'uri':
        return `https://example.com/${name || 'resource'}`;
      default:
        return name === '' ? 'sample' : `sample-${name.replace(/_/g, '-')}`;
    }
  }

  /**
   * Whether filling this optional value would expand a `$ref` already being expanded on this branch
   * (directly, or through a nullable union or an array), or go deeper than any real payload does.
   */
  private recurses(schema: SchemaObject, at: Position): boolean {
    return at.refs.length >= MAX_REF_DEPTH || shallowRefs(schema).some((ref) => at.refs.includes(ref));
  }
}

/** One sample of `schema`; see `SampleSynthesizer`. */
export function synthesizeSample(schema: object, sharedSchemas: readonly object[] = [], options?: SampleOptions): unknown {
  return new SampleSynthesizer(sharedSchemas).sample(schema, options);
}

interface State {
  readonly includeOptional: boolean;
  readonly baseTime: number;
  readonly seed: string;
}

interface Position {
  /** JSON Pointer of the value being built: it seeds the ids, so an id stays put when others change. */
  readonly path: string;
  /** The property name the value sits under; array items keep their array's name. */
  readonly name: string;
  /** The `$ref`s being expanded on this branch, to stop recursive schemas. */
  readonly refs: readonly string[];
}

function primaryType(schema: SchemaObject): string | undefined {
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : [];
  const primary = types.find((type) => type !== 'null') ?? types[0];
  if (primary !== undefined) return primary;
  if (schema.properties !== undefined || schema.additionalProperties !== undefined) return 'object';
  return schema.items === undefined ? undefined : 'array';
}

/** What a string property's name says about its format, for specs (Terra's) that rarely say it. */
function formatByName(name: string): string | undefined {
  if (name === 'id' || name.endsWith('_id')) return 'uuid';
  if (/(^|_)(date|day|dob)$|date_of_birth/.test(name)) return 'date';
  if (/(^|_)(time|timestamp|datetime|start|end|stop)$|_at$/.test(name)) return 'date-time';
  if (name.includes('email')) return 'email';
  if (/(^|_)(url|uri)$/.test(name)) return 'uri';
  return undefined;
}

/** The `$ref`s a schema expands without descending into properties: itself, union arms, items. */
function shallowRefs(schema: SchemaObject): string[] {
  const refs = typeof schema.$ref === 'string' ? [schema.$ref] : [];
  for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
    const arms = schema[keyword];
    if (Array.isArray(arms)) for (const arm of arms as SchemaObject[]) refs.push(...shallowRefs(arm));
  }
  if (isPlainObject(schema.items)) refs.push(...shallowRefs(schema.items as SchemaObject));
  return refs;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A version-4-shaped UUID derived from `key` (FNV-1a, four seeds): stable across runs and machines. */
function uuidFor(key: string): string {
  let hex = '';
  for (let seed = 0; seed < 4; seed += 1) {
    let hash = 0x811c9dc5 ^ seed;
    for (let index = 0; index < key.length; index += 1) {
      hash ^= key.charCodeAt(index);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    hex += hash.toString(16).padStart(8, '0');
  }
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
