import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { SampleSynthesizer } from '../../../src/providers/generated-samples.js';
import { terraEventTypes } from '../../../src/providers/terra/generated/event-types.js';
import { terraEventSchemas, terraSharedSchemas } from '../../../src/providers/terra/generated/schemas.js';
import { vitalEventTypes } from '../../../src/providers/vital/generated/event-types.js';
import { vitalEventSchemas, vitalSharedSchemas } from '../../../src/providers/vital/generated/schemas.js';
import { SchemaValidator } from '../../../src/validation/schema-validator.js';

type Json = Record<string, unknown>;

const providers = [
  { name: 'terra', discriminator: 'type', types: terraEventTypes, schemas: terraEventSchemas, shared: terraSharedSchemas },
  { name: 'vital', discriminator: 'event_type', types: vitalEventTypes, schemas: vitalEventSchemas, shared: vitalSharedSchemas },
] as const;

describe.each(providers)('$name generated schemas', ({ discriminator, types, schemas, shared }) => {
  const validator = new SchemaValidator(schemas, shared);
  const synthesizer = new SampleSynthesizer(shared);
  const minimal = (type: string): Json => synthesizer.sample(schemas[type as keyof typeof schemas]) as Json;

  it('has one schema per listed event type, and nothing else', () => {
    expect(Object.keys(schemas)).toEqual([...types]);
    expect(new Set(types).size).toBe(types.length);
  });

  it.each([...types])('%s accepts its minimal and its full sample, with extra fields anywhere', (type) => {
    expect(validator.validate(type, minimal(type))).toEqual({ valid: true });
    const full = synthesizer.sample(schemas[type as keyof typeof schemas], { includeOptional: true }) as Json;
    expect(validator.validate(type, full)).toEqual({ valid: true });
    const extended = addExtraFields(full);
    expect(validator.validate(type, extended)).toEqual({ valid: true });
  });

  it.each([...types])('%s rejects a wrong event type, a missing required field and a wrongly typed field', (type) => {
    expect(validator.validate(type, { ...minimal(type), [discriminator]: 'not.this.type' }).valid).toBe(false);

    const required = requiredFields(schemas[type as keyof typeof schemas]).filter((field) => field !== discriminator);
    expect(required.length).toBeGreaterThan(0);
    for (const field of required) {
      const missing = minimal(type);
      delete missing[field];
      const issue = { path: '/', message: `must have property "${field}"` };
      expect(validator.validate(type, missing)).toMatchObject({ valid: false, issues: [issue] });

      // A value of a type no JSON Schema type of this field allows (strings are never arrays of arrays).
      const wrong = { ...minimal(type), [field]: [[Symbol.for('wrong').toString()]] };
      expect(validator.validate(type, wrong).valid, `${type}.${field}`).toBe(false);
    }
    expect(validator.validate(type, 'not an object').valid).toBe(false);
  });
});

describe('generated schemas against real-shaped payloads', () => {
  it('accepts every example payload in the Terra spec', () => {
    const validator = new SchemaValidator(terraEventSchemas, terraSharedSchemas);
    const examples = Object.values(readTerraSpec().webhooks).flatMap(({ post }) => {
      const body = post.requestBody.content['application/json'];
      const named = Object.values(body.examples ?? {}).map((example) => example.value);
      return body.example === undefined ? named : [body.example, ...named];
    });
    expect(examples.length).toBeGreaterThanOrEqual(19);
    for (const example of examples) {
      const type = String(example.type);
      expect(validator.has(type), type).toBe(true);
      expect(validator.validate(type, example), type).toEqual({ valid: true });
    }
  });

  it('accepts nulls where the spec allows them and unknown values of open enums', () => {
    const validator = new SchemaValidator(vitalEventSchemas, vitalSharedSchemas);
    const sample = new SampleSynthesizer(vitalSharedSchemas).sample(vitalEventSchemas['daily.data.sleep.created']) as Json;
    const data = sample.data as Json;
    const laterSleep = { ...sample, data: { ...data, score: null, type: 'brand_new_sleep_type' } };
    expect(validator.validate('daily.data.sleep.created', laterSleep)).toEqual({ valid: true });
    expect(validator.validate('daily.data.sleep.created', { ...sample, data: { ...data, duration: null } }).valid).toBe(false);
    // client_user_id is the customer's own id: the spec's `format: uuid` is not enforced.
    expect(validator.validate('daily.data.sleep.created', { ...sample, client_user_id: 'customer-42' })).toEqual({ valid: true });
  });

  it('keeps closed enums closed', () => {
    const validator = new SchemaValidator(terraEventSchemas, terraSharedSchemas);
    const sample = new SampleSynthesizer(terraSharedSchemas).sample(terraEventSchemas.activity) as { data: { metadata: Json }[] };
    const [activity] = sample.data;
    if (activity === undefined) throw new Error('the activity sample has no activity');
    activity.metadata.type = 99_999;
    expect(validator.validate('activity', sample)).toMatchObject({ valid: false, issues: [{ path: '/data/0/metadata/type' }] });
  });

  it('tells labtest.match_review events apart: they carry no user', () => {
    const validator = new SchemaValidator(vitalEventSchemas, vitalSharedSchemas);
    const sample = new SampleSynthesizer(vitalSharedSchemas).sample(vitalEventSchemas['labtest.match_review.created']) as Json;
    expect(sample).not.toHaveProperty('user_id');
    expect(validator.validate('labtest.match_review.created', sample)).toEqual({ valid: true });
  });
});

interface TerraSpecExamples {
  webhooks: Record<string, { post: { requestBody: { content: { 'application/json': WebhookBody } } } }>;
}
interface WebhookBody {
  example?: Json;
  examples?: Record<string, { value: Json }>;
}

/** The spec beside the repository, which the generator reads too. */
function readTerraSpec(): TerraSpecExamples {
  const path = fileURLToPath(new URL('../../../../../../shared/reference/terra-v2.openapi.yaml', import.meta.url));
  return parseYaml(readFileSync(path, 'utf8')) as TerraSpecExamples;
}

function requiredFields(schema: object): string[] {
  const required = (schema as { required?: unknown }).required;
  return Array.isArray(required) ? (required as string[]) : [];
}

/**
 * A deep copy with an unknown field added to every record, as providers do without notice. Maps (whose
 * values a schema constrains) are the objects a full sample leaves empty, and stay as they are.
 */
function addExtraFields(value: unknown): Json {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== 'object' || node === null || Object.keys(node).length === 0) return node;
    const copy: Json = { added_by_provider_later: { nested: true } };
    for (const [key, item] of Object.entries(node)) copy[key] = walk(item);
    return copy;
  };
  return walk(value) as Json;
}
