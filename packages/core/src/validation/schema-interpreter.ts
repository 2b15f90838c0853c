import { collect, equal, refund, ucs2length, type StandaloneError, type StandaloneValidateFunction } from './standalone-runtime.js';

/**
 * Conformance validators built at run time from the conformance schemas (JSON, as the generator writes
 * them), as trees of small closures: no code is generated, compiled or imported per event type. ajv's
 * generated code for the same schemas was 2.7 MB; V8 parsing and compiling a type's share of it
 * (Terra `activity`: 132 KB) was most of the type's first delivery.
 *
 * The errors are ajv's (draft-07, `allErrors`, formats not validated, `strict: false`): the same
 * `instancePath`, keyword, params and message, in the same order, created through the same error
 * budget (`collect`, `refund`). Where ajv's order is not obvious it follows ajv's rule groups: the
 * keywords that apply to every type first ($ref, const, enum, anyOf, allOf, if), then those of
 * numbers, strings, arrays and objects, each in ajv's keyword order; a single `type` that has keywords
 * of its own reports the type error in that type's place, any other `type` before everything. The
 * differential test (test/validation/schema-interpreter.test.ts) checks this against ajv itself.
 *
 * Each payload is first tested (`test` mode: a yes or no, stopping at the first failure); only one that
 * fails is walked again to report its errors (`report` mode).
 *
 * One difference, on purpose: the condition of an `if` creates no errors (ajv's creates placeholder
 * errors and drops them right away), so it spends no budget. Drift differs only for a payload whose
 * budget runs out inside an `if` condition, which has to be a payload of about a thousand errors.
 */

/** A schema node as the generator writes it (draft-07), with the keywords this interpreter knows. */
export interface InterpretedSchema {
  readonly $id?: string;
  readonly $schema?: string;
  readonly $ref?: string;
  readonly title?: string;
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly examples?: readonly unknown[];
  readonly properties?: Readonly<Record<string, InterpretedSchema>>;
  readonly required?: readonly string[];
  readonly items?: InterpretedSchema | readonly InterpretedSchema[];
  readonly additionalProperties?: InterpretedSchema;
  readonly allOf?: readonly InterpretedSchema[];
  readonly anyOf?: readonly InterpretedSchema[];
  readonly if?: InterpretedSchema;
  readonly then?: InterpretedSchema;
  readonly else?: InterpretedSchema;
}

/** Whether `data` conforms; in `report` mode, false exactly when it created errors. */
type Check = (data: unknown) => boolean;

/**
 * How a schema is compiled. `test` answers only whether the data conforms, stopping at the first
 * failure and tracking no path: every payload is tested first, and most conform. `report` collects
 * ajv's errors in ajv's order, for a payload that failed the test (and for nothing else).
 */
type Mode = 'test' | 'report';

// Keywords without effect here: annotations, and `format` (ajv's `validateFormats: false`), which still
// counts as a keyword of strings and numbers when ajv places a type error (see `node`).
const ANNOTATIONS = new Set(['$id', '$schema', 'title', 'examples', 'format']);
const KNOWN = new Set([
  ...ANNOTATIONS,
  '$ref',
  'type',
  'pattern',
  'minLength',
  'minimum',
  'maximum',
  'const',
  'enum',
  'properties',
  'required',
  'items',
  'additionalProperties',
  'allOf',
  'anyOf',
  'if',
  'then',
  'else',
]);

// JSON types as bits, so that a `type` of several is one test.
const TYPE_BITS = { string: 1, number: 2, integer: 4, boolean: 8, null: 16, object: 32, array: 64 } as const;
type TypeName = keyof typeof TYPE_BITS;

/** The bits of every type `data` has (a whole number is both `number` and `integer`, as in ajv). */
function typeBits(data: unknown): number {
  switch (typeof data) {
    case 'string':
      return TYPE_BITS.string;
    case 'number':
      // ajv's integer test, which Infinity passes (JSON has none).
      return !((data as number) % 1) && !Number.isNaN(data) ? TYPE_BITS.number | TYPE_BITS.integer : TYPE_BITS.number;
    case 'boolean':
      return TYPE_BITS.boolean;
    case 'object':
      return data === null ? TYPE_BITS.null : Array.isArray(data) ? TYPE_BITS.array : TYPE_BITS.object;
    default:
      return 0;
  }
}

/** ajv's keyword groups by the type they apply to, each in ajv's keyword order. */
const GROUPS: readonly { readonly type: 'number' | 'string' | 'array' | 'object'; readonly keywords: readonly string[] }[] = [
  { type: 'number', keywords: ['maximum', 'minimum', 'format'] },
  { type: 'string', keywords: ['minLength', 'pattern', 'format'] },
  { type: 'array', keywords: ['items'] },
  { type: 'object', keywords: ['required', 'additionalProperties', 'properties'] },
];

// The state of the report under way. Validation is synchronous, so one run at a time.
let collected: StandaloneError[] | null = null;
/** The instance path, one segment per level: `/` and the escaped key, or the index. */
const path: (string | number)[] = [];

function fail(keyword: string, params: Readonly<Record<string, unknown>>, message: string): false {
  let instancePath = '';
  for (const segment of path) instancePath += typeof segment === 'number' ? `/${segment}` : segment;
  collected = collect(collected, instancePath, keyword, params, message);
  return false;
}

function errorCount(): number {
  return collected === null ? 0 : collected.length;
}

/** Drops the errors created since there were `from`, giving their budget back (ajv's reset). */
function dropErrorsFrom(from: number): void {
  if (collected === null) return;
  refund(collected, from);
  if (from === 0) collected = null;
  else collected.length = from;
}

function escapeSegment(key: string): string {
  return `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** Compiles conformance schemas, resolving `$ref`s by `$id`; each referenced schema is compiled once per mode. */
export class SchemaInterpreter {
  private readonly refs = { test: new Map<string, Check>(), report: new Map<string, Check>() };
  private readonly shared = new Map<string, InterpretedSchema>();
  /**
   * One RegExp per pattern: V8 compiles a RegExp on its first use, and Thryve's schemas repeat one long
   * date pattern 27 times. Sharing is safe: `test` on a RegExp without the g or y flag keeps no state.
   */
  private readonly patterns = new Map<string, RegExp>();

  /** @param resolve The schema with this `$id`; throws for an unknown one. */
  constructor(private readonly resolve: (id: string) => InterpretedSchema) {}

  /** A validator with ajv's interface: returns whether `data` conforms and leaves ajv's errors in `.errors`. */
  compile(schema: InterpretedSchema): StandaloneValidateFunction {
    const test = this.node(schema, 'test');
    let report: Check | undefined;
    const validate: StandaloneValidateFunction = (data: unknown): boolean => {
      if (test(data)) {
        validate.errors = null;
        return true;
      }
      report ??= this.node(schema, 'report');
      // A report that threw (the error budget ran out) may have left state behind.
      collected = null;
      path.length = 0;
      report(data);
      const errors = collected;
      collected = null;
      validate.errors = errors;
      return errors === null;
    };
    return validate;
  }

  private ref(id: string, mode: Mode): Check {
    const refs = this.refs[mode];
    const known = refs.get(id);
    if (known !== undefined) return known;
    // A schema that refers to itself, while it compiles, gets a stand-in; everything later gets the
    // compiled check itself, one call less per use.
    const compiled: { check?: Check } = {};
    refs.set(id, (data) => compiled.check!(data));
    const check = this.node(this.schemaOf(id), mode);
    compiled.check = check;
    refs.set(id, check);
    return check;
  }

  /**
   * A property or item schema for the `test` mode: its type bits alone when that is all it checks;
   * otherwise compiled when a payload first reaches it (a type's first delivery compiles only what
   * that payload has, not all a schema could hold), after which the slot holds the compiled check.
   */
  private slot(schema: InterpretedSchema): Slot {
    const keywords = Object.keys(schema);
    if (schema.type !== undefined && keywords.every((keyword) => keyword === 'type' || ANNOTATIONS.has(keyword))) {
      return { bits: this.typeBitsOf(schema), check: undefined };
    }
    const slot: Slot = {
      bits: 0,
      check: (data) => {
        const check = this.node(schema, 'test');
        slot.check = check;
        return check(data);
      },
    };
    return slot;
  }

  private regExp(pattern: string): RegExp {
    let regExp = this.patterns.get(pattern);
    if (regExp === undefined) {
      // ajv's `unicodeRegExp` default: patterns are Unicode-aware.
      regExp = new RegExp(pattern, 'u');
      this.patterns.set(pattern, regExp);
    }
    return regExp;
  }

  /** The schema with this `$id`, resolved once for both modes (resolving parses its JSON text). */
  private schemaOf(id: string): InterpretedSchema {
    let schema = this.shared.get(id);
    if (schema === undefined) {
      schema = this.resolve(id);
      this.shared.set(id, schema);
    }
    return schema;
  }

  private typeBitsOf(schema: InterpretedSchema): number {
    let bits = 0;
    for (const type of typesOf(schema)) bits |= TYPE_BITS[type];
    return bits;
  }

  private node(schema: InterpretedSchema, mode: Mode): Check {
    for (const keyword of Object.keys(schema)) {
      if (!KNOWN.has(keyword)) throw new Error(`The schema interpreter does not know the keyword ${JSON.stringify(keyword)}`);
    }
    if (schema.$ref !== undefined) {
      if (Object.keys(schema).some((keyword) => keyword !== '$ref' && !ANNOTATIONS.has(keyword))) {
        throw new Error('The schema interpreter does not take $ref beside other keywords (the generator never writes it)');
      }
      return this.ref(schema.$ref, mode);
    }
    const types = typesOf(schema);
    const allowed = this.typeBitsOf(schema);
    const typeError = mode === 'report' ? (): false => fail('type', { type: schema.type }, `must be ${types.join(',')}`) : (): false => false;
    const has = (keyword: string): boolean => (schema as Record<string, unknown>)[keyword] !== undefined;
    // ajv reports the type error of a single type with keywords of its own in that type's group.
    const single = types.length === 1 ? GROUPS.find((group) => group.type === types[0] && group.keywords.some(has)) : undefined;

    const checks: Check[] = [];
    if (types.length > 0 && single === undefined) checks.push((data) => (typeBits(data) & allowed) !== 0 || typeError());
    checks.push(...this.anyTypeChecks(schema, mode));
    for (const group of GROUPS) {
      if (!group.keywords.some(has)) continue;
      const inGroup = all(this.groupChecks(group.type, schema, mode), mode);
      const bit = TYPE_BITS[group.type];
      checks.push(group === single ? (data) => ((typeBits(data) & bit) !== 0 ? inGroup(data) : typeError()) : (data) => (typeBits(data) & bit) === 0 || inGroup(data));
    }
    return all(checks, mode);
  }

  /** $ref (only alone, above), const, enum, anyOf, allOf, if: the keywords of every type, in ajv's order. */
  private anyTypeChecks(schema: InterpretedSchema, mode: Mode): Check[] {
    const report = mode === 'report';
    const checks: Check[] = [];
    if (schema.const !== undefined) {
      const allowedValue = schema.const;
      const matches = typeof allowedValue === 'object' && allowedValue !== null ? (data: unknown) => equal(data, allowedValue) : (data: unknown) => data === allowedValue;
      checks.push(report ? (data) => matches(data) || fail('const', { allowedValue }, 'must be equal to constant') : matches);
    }
    if (schema.enum !== undefined) {
      const allowedValues = schema.enum;
      const matches = (data: unknown): boolean => {
        for (const value of allowedValues) if (typeof value === 'object' && value !== null ? equal(data, value) : data === value) return true;
        return false;
      };
      checks.push(report ? (data) => matches(data) || fail('enum', { allowedValues }, 'must be equal to one of the allowed values') : matches);
    }
    if (schema.anyOf !== undefined && !schema.anyOf.some(alwaysValid)) {
      const arms = schema.anyOf.map((arm) => this.node(arm, mode));
      checks.push(
        report
          ? (data) => {
              const from = errorCount();
              for (const arm of arms) {
                if (arm(data)) {
                  dropErrorsFrom(from);
                  return true;
                }
              }
              return fail('anyOf', {}, 'must match a schema in anyOf');
            }
          : (data) => {
              for (const arm of arms) if (arm(data)) return true;
              return false;
            },
      );
    }
    if (schema.allOf !== undefined) {
      checks.push(
        all(
          schema.allOf.filter((arm) => !alwaysValid(arm)).map((arm) => this.node(arm, mode)),
          mode,
        ),
      );
    }
    const thenSchema = schema.then !== undefined && !alwaysValid(schema.then) ? this.node(schema.then, mode) : undefined;
    const elseSchema = schema.else !== undefined && !alwaysValid(schema.else) ? this.node(schema.else, mode) : undefined;
    if (schema.if !== undefined && (thenSchema !== undefined || elseSchema !== undefined)) {
      // The condition creates no errors in either mode (see the module comment).
      const condition = this.node(schema.if, 'test');
      checks.push((data) => {
        const holds = condition(data);
        const clause = holds ? thenSchema : elseSchema;
        if (clause === undefined || clause(data)) return true;
        if (!report) return false;
        const failingKeyword = holds ? 'then' : 'else';
        return fail('if', { failingKeyword }, `must match "${failingKeyword}" schema`);
      });
    }
    return checks;
  }

  private groupChecks(type: 'number' | 'string' | 'array' | 'object', schema: InterpretedSchema, mode: Mode): Check[] {
    const report = mode === 'report';
    const checks: Check[] = [];
    if (type === 'number') {
      const { maximum, minimum } = schema;
      if (maximum !== undefined) {
        const within = (data: unknown): boolean => !((data as number) > maximum || Number.isNaN(data));
        checks.push(report ? (data) => within(data) || fail('maximum', { comparison: '<=', limit: maximum }, `must be <= ${maximum}`) : within);
      }
      if (minimum !== undefined) {
        const within = (data: unknown): boolean => !((data as number) < minimum || Number.isNaN(data));
        checks.push(report ? (data) => within(data) || fail('minimum', { comparison: '>=', limit: minimum }, `must be >= ${minimum}`) : within);
      }
    } else if (type === 'string') {
      const { minLength, pattern } = schema;
      if (minLength !== undefined) {
        const long = (data: unknown): boolean => ucs2length(data as string) >= minLength;
        checks.push(report ? (data) => long(data) || fail('minLength', { limit: minLength }, `must NOT have fewer than ${minLength} characters`) : long);
      }
      if (pattern !== undefined) {
        const regExp = this.regExp(pattern);
        const matches = (data: unknown): boolean => regExp.test(data as string);
        checks.push(report ? (data) => matches(data) || fail('pattern', { pattern }, `must match pattern "${pattern}"`) : matches);
      }
    } else if (type === 'array') {
      checks.push(...this.itemsChecks(schema.items, mode));
    } else {
      checks.push(...this.objectChecks(schema, mode));
    }
    return checks;
  }

  private itemsChecks(items: InterpretedSchema | readonly InterpretedSchema[] | undefined, mode: Mode): Check[] {
    if (items === undefined) return [];
    if (isSchemaList(items)) {
      return items.flatMap((item, index): Check[] => {
        if (alwaysValid(item)) return [];
        const check = this.node(item, mode);
        return [(data) => (data as unknown[]).length <= index || visit(mode, index, check, (data as unknown[])[index])];
      });
    }
    if (alwaysValid(items)) return [];
    if (mode === 'test') {
      const item = this.slot(items);
      return [
        (data) => {
          const array = data as unknown[];
          for (let index = 0; index < array.length; index += 1) if (!passes(item, array[index])) return false;
          return true;
        },
      ];
    }
    const check = this.node(items, mode);
    return [
      (data) => {
        const array = data as unknown[];
        let valid = true;
        for (let index = 0; index < array.length; index += 1) {
          if (!visit(mode, index, check, array[index])) valid = false;
        }
        return valid;
      },
    ];
  }

  private objectChecks(schema: InterpretedSchema, mode: Mode): Check[] {
    const { required = [], additionalProperties, properties = {} } = schema;
    const keys = Object.keys(properties).filter((key) => key !== '__proto__' && !alwaysValid(properties[key]!));
    const additional = additionalProperties !== undefined && !alwaysValid(additionalProperties) ? additionalProperties : undefined;
    if (mode === 'test') {
      return [testObject(required, keys.map((key) => [key, this.slot(properties[key]!)] as const), properties, additional && this.slot(additional))];
    }
    const checks: Check[] = [];
    if (required.length > 0) {
      const missing = required.map((property) => ({ property, params: { missingProperty: property }, message: `must have required property '${property}'` }));
      checks.push((data) => {
        let valid = true;
        for (const { property, params, message } of missing) {
          if ((data as Record<string, unknown>)[property] === undefined) valid = fail('required', params, message);
        }
        return valid;
      });
    }
    if (additional !== undefined) {
      const check = this.node(additional, mode);
      checks.push((data) => {
        let valid = true;
        for (const key in data as object) {
          if (!Object.hasOwn(properties, key) && !visit(mode, escapeSegment(key), check, (data as Record<string, unknown>)[key])) valid = false;
        }
        return valid;
      });
    }
    const named = keys.map((key) => ({ key, segment: escapeSegment(key), check: this.node(properties[key]!, mode) }));
    if (named.length > 0) {
      checks.push((data) => {
        let valid = true;
        for (const { key, segment, check } of named) {
          const value = (data as Record<string, unknown>)[key];
          if (value !== undefined && !visit(mode, segment, check, value)) valid = false;
        }
        return valid;
      });
    }
    return checks;
  }
}

/** What the `test` mode checks of a property or item: its type bits, or (when it checks more) `check`. */
interface Slot {
  readonly bits: number;
  check: Check | undefined;
}

function passes(slot: Slot, value: unknown): boolean {
  return slot.check === undefined ? (typeBits(value) & slot.bits) !== 0 : slot.check(value);
}

/**
 * The `test` mode's object keywords in one check (`required`, `additionalProperties`, `properties`).
 * It walks the payload's keys rather than the schema's, since a payload has few of the properties a
 * schema lists, and V8 reads a key of a for-in loop from its enumeration cache. A schema property that
 * objects inherit (`constructor`) is also read the way ajv reads it, by name.
 */
function testObject(required: readonly string[], named: readonly (readonly [string, Slot])[], properties: object, additional: Slot | undefined): Check {
  // A lookup object without a prototype: V8 caches a keyed read of it by key, which beats a Map.
  const byKey = Object.assign(Object.create(null) as Record<string, Slot | undefined>, Object.fromEntries(named));
  const inherited = named.filter(([key]) => key in Object.prototype);
  return (data) => {
    const object = data as Record<string, unknown>;
    for (const property of required) if (object[property] === undefined) return false;
    for (const key in object) {
      const slot = byKey[key] ?? (additional !== undefined && !Object.hasOwn(properties, key) ? additional : undefined);
      if (slot === undefined) continue;
      const value = object[key];
      if (value !== undefined && !passes(slot, value)) return false;
    }
    for (const [key, slot] of inherited) {
      const value = object[key];
      if (!Object.hasOwn(object, key) && value !== undefined && !passes(slot, value)) return false;
    }
    return true;
  };
}

/** The types a schema's `type` names (none when it has no `type`); throws for one JSON does not have. */
function typesOf(schema: InterpretedSchema): readonly TypeName[] {
  const types = (schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : schema.type) as readonly TypeName[];
  for (const type of types) if (!Object.hasOwn(TYPE_BITS, type)) throw new Error(`Unknown type ${JSON.stringify(type)}`);
  return types;
}

/** Runs `check` on `value`, in `report` mode one level down the instance path. */
function visit(mode: Mode, segment: string | number, check: Check, value: unknown): boolean {
  if (mode === 'test') return check(value);
  // No try/finally: a report that throws (the error budget ran out) is abandoned, and the next run
  // starts from an empty path.
  path.push(segment);
  const valid = check(value);
  path.pop();
  return valid;
}

/** Every check: in `report` mode each one runs (ajv's `allErrors`); in `test` mode up to the first failure. */
function all(checks: readonly Check[], mode: Mode): Check {
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0]!;
  if (mode === 'test') {
    return (data) => {
      for (const check of checks) if (!check(data)) return false;
      return true;
    };
  }
  return (data) => {
    let valid = true;
    for (const check of checks) if (!check(data)) valid = false;
    return valid;
  };
}

/** ajv's `alwaysValidSchema`: a schema with no keyword that checks anything. */
function alwaysValid(schema: InterpretedSchema): boolean {
  return Object.keys(schema).every((keyword) => ANNOTATIONS.has(keyword) && keyword !== 'format');
}

function isSchemaList(items: InterpretedSchema | readonly InterpretedSchema[]): items is readonly InterpretedSchema[] {
  return Array.isArray(items);
}
