import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusEntries, corpusBytes } from '../../../../test/corpus/corpus-manifest.js';
import { withoutDiscriminator } from '../../../../scripts/generate-provider-schemas/emit-validators.js';
import { SampleSynthesizer } from '../../src/providers/generated-samples.js';
import { terraConformance } from '../../src/providers/terra/generated/conformance.js';
import { terraEventSchemas, terraSharedSchemas } from '../../src/providers/terra/generated/schemas.js';
import { thryveConformance } from '../../src/providers/thryve/generated/conformance.js';
import { thryveSchemas } from '../../src/providers/thryve/schemas/index.js';
import { vitalConformance } from '../../src/providers/vital/generated/conformance.js';
import { vitalEventSchemas, vitalSharedSchemas } from '../../src/providers/vital/generated/schemas.js';
import { sharedSchema, type ConformanceSchemas } from '../../src/validation/conformance-schemas.js';
import { SchemaInterpreter, type InterpretedSchema } from '../../src/validation/schema-interpreter.js';
import type { StandaloneError } from '../../src/validation/standalone-runtime.js';

// The interpreter must report what ajv reports, error for error: drift is stored with deliveries and
// shown to users, and it was ajv's until the interpreter replaced ajv's generated code. ajv (a
// devDependency) compiles each provider's published schemas (schemas.ts; Thryve's hand-written ones),
// less the discriminator, with the options the generator used for that code; the interpreter runs the
// conformance data the generator made of the same schemas (annotations dropped). Both run on samples,
// on the regression corpus and on fast-check mutations of them, and must agree on validity and on
// every error's path, keyword, params and message, in order.

interface AjvValidate {
  (data: unknown): boolean;
  errors?: readonly StandaloneError[] | null;
}
interface AjvInstance {
  addSchema(schema: object): unknown;
  compile(schema: object): AjvValidate;
}
const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: new (options: object) => AjvInstance };

interface ProviderCase {
  readonly name: 'thryve' | 'terra' | 'vital';
  readonly conformance: ConformanceSchemas;
  /** The published schemas: ajv's input. */
  readonly published: Readonly<Record<string, object>>;
  readonly shared: readonly object[];
  /** The properties that name the event type (scripts/generate-provider-schemas/provider-config.ts). */
  readonly discriminators: readonly string[];
}

const providers: readonly ProviderCase[] = [
  { name: 'thryve', conformance: thryveConformance, published: thryveSchemas, shared: [], discriminators: ['type'] },
  { name: 'terra', conformance: terraConformance, published: terraEventSchemas, shared: terraSharedSchemas, discriminators: ['type'] },
  { name: 'vital', conformance: vitalConformance, published: vitalEventSchemas, shared: vitalSharedSchemas, discriminators: ['event_type', 'type'] },
];

/**
 * Checks `check` on `numRuns` values; a counterexample (shrunk) is then handed to `report`, which
 * compares it with expect, so the failure prints the difference. A boolean inside the property keeps
 * shrinking fast.
 */
function property<T>(arbitrary: fc.Arbitrary<T>, check: (value: T) => boolean, report: (value: T) => void, numRuns: number): void {
  const details = fc.check(fc.property(arbitrary, check), { numRuns });
  if (details.failed && details.counterexample !== null) report(details.counterexample[0]);
  expect(details.failed, fc.defaultReportMessage(details) ?? '').toBe(false);
}

function errorsOf(errors: readonly StandaloneError[] | null | undefined): unknown[] {
  return (errors ?? []).map(({ instancePath, keyword, params, message }) => ({ instancePath, keyword, params, message }));
}

interface Pair {
  readonly ajv: AjvValidate;
  readonly mine: AjvValidate;
}

/**
 * ajv's `enum` compares objects with fast-deep-equal, which calls a value's own `valueOf` or `toString`
 * when it has one: for `{"valueOf": 0}`, valid JSON, ajv throws a TypeError instead of answering. There
 * is nothing to compare with then, so the interpreter only has to answer (it compares without calling
 * anything on the payload).
 */
function ajvCannotAnswer(error: unknown): boolean {
  return error instanceof TypeError && /\b(valueOf|toString) is not a function\b/.test(error.message);
}

function outcomes(validate: Pair, payload: unknown) {
  let expected: boolean;
  try {
    expected = validate.ajv(payload);
  } catch (error) {
    if (!ajvCannotAnswer(error)) throw error;
    return { actual: { answered: typeof validate.mine(payload) }, expected: { answered: 'boolean' } };
  }
  const actual = validate.mine(payload);
  return { actual: { valid: actual, errors: errorsOf(validate.mine.errors) }, expected: { valid: expected, errors: errorsOf(validate.ajv.errors) } };
}

function agree(validate: Pair, payload: unknown, label: string): void {
  const { actual, expected } = outcomes(validate, payload);
  expect(actual, label).toEqual(expected);
}

/** Inside a property: a boolean, so that shrinking a counterexample stays fast (see `property`). */
function same(validate: Pair, payload: unknown): boolean {
  const { actual, expected } = outcomes(validate, payload);
  return JSON.stringify(actual) === JSON.stringify(expected);
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a value inside `value`, the root included. */
function pathsOf(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...prefix, index], out));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  return out;
}

type Mutation = { readonly pick: number; readonly kind: 'replace' | 'delete' | 'wrap' | 'add'; readonly key: string; readonly value: Json };

/** `payload` with each mutation applied at the path it picks (modulo the paths there are then). */
function mutate(payload: Json, mutations: readonly Mutation[]): Json {
  let result = structuredClone(payload);
  for (const { pick, kind, key: added, value } of mutations) {
    const paths = pathsOf(result);
    const path = paths[pick % paths.length]!;
    if (kind === 'add') {
      // A new property on the object at the path, as providers add fields; an own property even when
      // named `__proto__`, as JSON.parse makes it.
      const target = path.reduce<Json>((node, key) => (node as Record<string, Json>)[key as string]!, result);
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
        Object.defineProperty(target, added, { value, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    if (path.length === 0) {
      result = kind === 'wrap' ? [result] : value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string, Json>)[key as string]!, result) as Record<string | number, Json>;
    const key = path[path.length - 1]!;
    if (kind === 'delete' && !Array.isArray(parent)) delete parent[key];
    else if (kind === 'wrap') parent[key] = [parent[key]!];
    else parent[key] = value;
  }
  return result;
}

const mutations: fc.Arbitrary<Mutation[]> = fc.array(
  fc.record({
    pick: fc.nat(),
    kind: fc.constantFrom('replace', 'delete', 'wrap', 'add'),
    key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('a/b', '~x', '__proto__', 'constructor')),
    value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  }),
  { minLength: 1, maxLength: 4 },
);

describe.each(providers)('$name: the schema interpreter reports what ajv reports', ({ name, conformance, published, shared, discriminators }) => {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false, inlineRefs: false });
  for (const schema of shared) ajv.addSchema(schema);
  const interpreter = new SchemaInterpreter((id) => sharedSchema(conformance, id));
  const synthesizer = new SampleSynthesizer(shared);
  const corpus = corpusEntries().filter((entry) => entry.provider === name);

  it('has conformance data for every published event type, and the same shared schemas', () => {
    expect(Object.keys(conformance.eventTypes).sort()).toEqual(Object.keys(published).sort());
    expect(Object.keys(conformance.shared).sort()).toEqual(shared.map((schema) => (schema as { $id: string }).$id).sort());
  });

  const cases = conformance.schemas.map((text, index) => {
    const types = Object.entries(conformance.eventTypes)
      .filter(([, at]) => at === index)
      .map(([type]) => type);
    const source = withoutDiscriminator(published[types[0]!]!, discriminators);
    return { label: types.join(', '), interpreted: JSON.parse(text) as InterpretedSchema, source, types };
  });

  it.each(cases)('$label: samples, corpus payloads and mutations of them', ({ interpreted, source, types, label }) => {
    const validate = { ajv: ajv.compile(source), mine: interpreter.compile(interpreted) };
    const seeds: Json[] = [
      synthesizer.sample(source) as Json,
      synthesizer.sample(source, { includeOptional: true }) as Json,
      ...corpus.filter((entry) => types.includes(entry.eventType)).map((entry) => JSON.parse(corpusBytes(entry.file).toString('utf8')) as Json),
    ];
    for (const seed of seeds) agree(validate, seed, `${label}: seed`);
    property(
      fc.tuple(fc.constantFrom(...seeds), mutations),
      ([seed, applied]) => same(validate, mutate(seed, applied)),
      ([seed, applied]) => agree(validate, mutate(seed, applied), label),
      60,
    );
  });

  it('arbitrary JSON at the root of every event schema', () => {
    const validators = cases.map(({ interpreted, source, label }) => ({ label, ajv: ajv.compile(source), mine: interpreter.compile(interpreted) }));
    property(
      fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
      (value) => validators.every((validate) => same(validate, value)),
      (value) => validators.forEach((validate) => agree(validate, value, validate.label)),
      40,
    );
  });
});

// Schemas the generator may write but the providers' schemas may not exercise today: where ajv puts a
// type error beside keywords of every type, `format` deciding that place, tuples, escaping, `if`,
// combinators with an arm that accepts anything, and a schema that refers to itself.
const handWritten: readonly { readonly name: string; readonly schema: InterpretedSchema }[] = [
  { name: 'string with format and enum', schema: { type: 'string', format: 'date-time', enum: ['a', 1, { x: [1] }] } },
  { name: 'string with enum only', schema: { type: 'string', enum: ['a', 'b'] } },
  { name: 'integer with bounds and const', schema: { type: 'integer', minimum: 0, maximum: 10, const: 3 } },
  { name: 'number with bounds and const', schema: { type: 'number', minimum: 0, maximum: 10, const: 3 } },
  { name: 'nullable string with pattern, length and enum', schema: { type: ['string', 'null'], pattern: '^a', minLength: 2, enum: ['ab', 'a', null, 5] } },
  {
    name: 'object with required, additional and named properties, and anyOf',
    schema: {
      type: 'object',
      required: ['a', 'b'],
      properties: { a: { type: 'string' }, 'a/b~c': { type: 'number' } },
      additionalProperties: { type: ['number', 'array'], items: { type: 'integer' } },
      anyOf: [{ required: ['z'] }, { properties: { a: { const: 'x' } } }],
    },
  },
  { name: 'nullable object with properties only', schema: { type: ['object', 'null'], properties: { a: { type: 'boolean' } }, required: ['a'] } },
  { name: 'no type, keywords of several types', schema: { minimum: 2, pattern: 'b', required: ['a'], items: { type: 'string' } } },
  { name: 'tuple', schema: { type: 'array', items: [{ type: 'string' }, {}, { type: 'number' }] } },
  { name: 'array of objects', schema: { type: 'array', items: { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] } } },
  { name: 'if/then/else', schema: { if: { type: 'string', pattern: '^[0-9]+$' }, then: { minLength: 3 }, else: { type: ['number', 'string'], minimum: 1 } } },
  { name: 'if/then only', schema: { type: 'object', if: { required: ['a'] }, then: { required: ['b'] } } },
  { name: 'anyOf with an arm that accepts anything', schema: { anyOf: [{ type: 'string' }, { examples: [1] }] } },
  { name: 'allOf', schema: { allOf: [{ type: 'object' }, {}, { required: ['a'] }, { properties: { a: { type: 'null' } } }] } },
  { name: 'annotations only', schema: { $id: 'urn:test:annotations', title: 'x', examples: [1] } },
  { name: 'self-reference', schema: { $ref: 'urn:test:tree' } },
];

describe('schema interpreter: hand-written schemas against ajv', () => {
  const tree: InterpretedSchema = { $id: 'urn:test:tree', type: 'object', properties: { value: { type: 'number' }, children: { type: 'array', items: { $ref: 'urn:test:tree' } } } };
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, validateSchema: false, inlineRefs: false });
  ajv.addSchema(tree);
  const interpreter = new SchemaInterpreter((id) => {
    if (id !== tree.$id) throw new Error(`unknown ${id}`);
    return tree;
  });
  const keys = fc.constantFrom('a', 'b', 'z', 'a/b~c', 'value', 'children', 'q');
  const values: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>,
      fc.constantFrom<Json>('a', 'ab', '123', '12', 'x', 0, 1, 2.5, 3, 11, -1, null, true),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(keys, tie('value'), { maxKeys: 4 }),
    ),
  })).value;

  it.each(handWritten)('$name', ({ schema }) => {
    const validate = { ajv: ajv.compile(schema), mine: interpreter.compile(schema) };
    property(
      values,
      (value) => same(validate, value),
      (value) => agree(validate, value, JSON.stringify(value)),
      300,
    );
  });
});

describe('schema interpreter: keywords it does not know', () => {
  const interpreter = new SchemaInterpreter(() => {
    throw new Error('no shared schemas here');
  });

  it('refuses a schema with a keyword it would otherwise ignore, rather than validate less than ajv', () => {
    expect(() => interpreter.compile({ type: 'object', propertyNames: { pattern: '^a' } } as InterpretedSchema)).toThrow(/does not know the keyword "propertyNames"/);
    expect(() => interpreter.compile({ oneOf: [{ type: 'string' }] } as InterpretedSchema)).toThrow(/"oneOf"/);
    expect(() => interpreter.compile({ $ref: 'urn:x', type: 'object' })).toThrow(/\$ref beside other keywords/);
  });
});

describe('schema interpreter: payloads ajv cannot answer for', () => {
  it('answers for an object whose own valueOf and toString are not functions, where ajv throws', () => {
    const schema: InterpretedSchema = { enum: ['a', { x: 1 }] };
    const ajv = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const mine = new SchemaInterpreter(() => {
      throw new Error('no shared schemas here');
    }).compile(schema);
    for (const payload of [JSON.parse('{"valueOf": 0}') as unknown, JSON.parse('{"toString": "x"}') as unknown]) {
      expect(() => ajv(payload)).toThrow(TypeError);
      expect(mine(payload)).toBe(false);
    }
    expect(mine({ x: 1 })).toBe(true);
  });
});
