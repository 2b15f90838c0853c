import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { SampleSynthesizer } from '../../../src/providers/generated-samples.js';
import { terraEventTypes } from '../../../src/providers/terra/generated/event-types.js';
import { terraEventSchemas, terraSharedSchemas } from '../../../src/providers/terra/generated/schemas.js';
import { terraProvider } from '../../../src/providers/terra/provider.js';
import { vitalEventTypes } from '../../../src/providers/vital/generated/event-types.js';
import { vitalEventSchemas, vitalSharedSchemas } from '../../../src/providers/vital/generated/schemas.js';
import { vitalProvider } from '../../../src/providers/vital/provider.js';

type Json = Record<string, unknown>;

const providers = [
  { name: 'terra', discriminator: 'type', types: terraEventTypes, schemas: terraEventSchemas, shared: terraSharedSchemas, validator: terraProvider.validator },
  { name: 'vital', discriminator: 'event_type', types: vitalEventTypes, schemas: vitalEventSchemas, shared: vitalSharedSchemas, validator: vitalProvider.validator },
] as const;

const CONFORMS = { valid: true, drift: undefined };

describe.each(providers)('$name generated schemas and validators', ({ discriminator, types, schemas, shared, validator }) => {
  const synthesizer = new SampleSynthesizer(shared);
  const minimal = (type: string): Json => synthesizer.sample(schemas[type as keyof typeof schemas]) as Json;

  it('has one schema and one compiled validator per listed event type, and nothing else', () => {
    expect(Object.keys(schemas)).toEqual([...types]);
    expect(new Set(types).size).toBe(types.length);
    for (const type of types) expect(validator.has(type), type).toBe(true);
    expect(validator.has('not.a.type')).toBe(false);
  });

  it.each([...types])('%s: its full sample conforms, with extra fields anywhere', (type) => {
    const full = synthesizer.sample(schemas[type as keyof typeof schemas], { includeOptional: true }) as Json;
    expect(validator.drift(type, full)).toBeUndefined();
    expect(validator.drift(type, addExtraFields(full))).toBeUndefined();
  });

  it.each([...types])('%s: the schema requires only the discriminator and what the gate requires', (type) => {
    const required = requiredFields(schemas[type as keyof typeof schemas]);
    // Svix's operational events, sent on Vital's endpoint, name their type in `type`.
    const named = type.startsWith('message.attempt.') ? 'type' : discriminator;
    expect(required).toContain(named);
    // Without its required fields the minimal sample is what a provider omitting them sends: the gate
    // refuses it (every required field is a gate field), or it has none beyond the discriminator.
    for (const field of required.filter((name) => name !== named)) {
      const missing = minimal(type);
      delete missing[field];
      expect(validator.validate(type, missing).valid, `${type} without ${field}`).toBe(false);
    }
    expect(validator.validate(type, 'not an object').valid).toBe(false);
  });
});

describe('generated schemas against real-shaped payloads', () => {
  it('every example payload in the Terra spec passes the gate', () => {
    const examples = Object.values(readTerraSpec().webhooks).flatMap(({ post }) => {
      const body = post.requestBody.content['application/json'];
      const named = Object.values(body.examples ?? {}).map((example) => example.value);
      return body.example === undefined ? named : [body.example, ...named];
    });
    expect(examples.length).toBeGreaterThanOrEqual(19);
    for (const example of examples) {
      const type = String(example.type);
      expect(terraProvider.validator.has(type), type).toBe(true);
      expect(terraProvider.validator.validate(type, example), type).toMatchObject({ valid: true });
    }
  });

  it('accepts absent and null fields wearhook does not read, and unknown values of open enums, without drift', () => {
    const validator = vitalProvider.validator;
    const sample = new SampleSynthesizer(vitalSharedSchemas).sample(vitalEventSchemas['daily.data.sleep.created'], { includeOptional: true }) as Json;
    const data = sample.data as Json;
    const laterSleep = { ...sample, data: { ...data, score: null, type: 'brand_new_sleep_type', duration: null } };
    expect(validator.validate('daily.data.sleep.created', laterSleep)).toEqual(CONFORMS);
    const { team_id: _team, client_user_id: _client, ...withoutIds } = sample;
    expect(validator.validate('daily.data.sleep.created', withoutIds)).toEqual(CONFORMS);
    // A wrongly typed field wearhook does not read is drift, not a reason to quarantine.
    expect(validator.validate('daily.data.sleep.created', { ...sample, data: { ...data, duration: 'long' } })).toEqual({
      valid: true,
      drift: { issues: [{ path: '/data/duration', message: 'must be integer,null' }], truncated: false },
    });
  });

  it("opens Terra's enums and consts, and accepts integer ids as numeric strings", () => {
    const sample = new SampleSynthesizer(terraSharedSchemas).sample(terraEventSchemas.activity) as Json & { data: Json[] };
    const activity = { metadata: { summary_id: 'a-1', type: 99_999, upload_type: 42 } };
    expect(terraProvider.validator.validate('activity', { ...sample, data: [activity] })).toEqual(CONFORMS);
    const vital = new SampleSynthesizer(vitalSharedSchemas).sample(vitalEventSchemas['daily.data.heartrate.created']) as Json;
    const group = { source: { provider: 'oura' }, data: [{ id: '12345', timestamp: '2024-05-01T07:00:00+00:00', value: 61 }] };
    expect(vitalProvider.validator.validate('daily.data.heartrate.created', { ...vital, user_id: 'u-1', data: group })).toEqual(CONFORMS);
    const notDigits = { ...group, data: [{ ...group.data[0], id: 'twelve' }] };
    expect(vitalProvider.validator.validate('daily.data.heartrate.created', { ...vital, user_id: 'u-1', data: notDigits })).toMatchObject({
      valid: true,
      drift: { truncated: false },
    });
  });

  it('tells labtest.match_review events apart: they carry no user', () => {
    const sample = new SampleSynthesizer(vitalSharedSchemas).sample(vitalEventSchemas['labtest.match_review.created']) as Json;
    expect(sample).not.toHaveProperty('user_id');
    expect(vitalProvider.validator.validate('labtest.match_review.created', sample)).toEqual(CONFORMS);
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
