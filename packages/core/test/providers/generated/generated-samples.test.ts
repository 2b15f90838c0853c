import { describe, expect, it } from 'vitest';
import { SampleSynthesizer, synthesizeSample } from '../../../src/providers/generated-samples.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const shared = [
  {
    $id: 'urn:test:Record',
    type: 'object',
    properties: {
      id: { type: 'string' },
      user_id: { type: 'string' },
      start_time: { type: 'string' },
      end_time: { type: 'string' },
      calendar_date: { type: 'string', format: 'date' },
      date: { type: 'string', format: 'date-time' },
      kind: { type: 'string', examples: ['long_sleep', 'nap'] },
      level: { type: 'integer', enum: [3, 4] },
      score: { type: ['number', 'null'] },
      note: { type: 'string' },
      children: { type: 'array', items: { $ref: 'urn:test:Record' } },
      parent: { anyOf: [{ $ref: 'urn:test:Record' }, { type: 'null' }] },
    },
    required: ['id', 'user_id', 'start_time', 'end_time', 'calendar_date', 'date', 'kind', 'level'],
  },
];
const envelope = {
  type: 'object',
  properties: {
    type: { type: 'string', const: 'sleep' },
    user_id: { type: 'string' },
    data: { type: 'array', items: { $ref: 'urn:test:Record' } },
  },
  required: ['type', 'user_id', 'data'],
};

describe('SampleSynthesizer', () => {
  const synthesizer = new SampleSynthesizer(shared);

  it('builds the minimal instance from required fields, with realistic values', () => {
    const sample = synthesizer.sample(envelope) as { type: string; user_id: string; data: Record<string, unknown>[] };
    expect(sample.type).toBe('sleep');
    expect(sample.data).toHaveLength(1);
    const [record] = sample.data;
    expect(Object.keys(record ?? {})).toEqual(shared[0]?.required);
    expect(record).toMatchObject({
      start_time: '2024-05-01T08:00:00.000000+00:00',
      end_time: '2024-05-01T09:00:00.000000+00:00',
      calendar_date: '2024-05-01',
      date: '2024-05-01T08:00:00.000000+00:00',
      kind: 'long_sleep',
      level: 3,
    });
    expect(record?.id).toMatch(UUID);
    // One user, one id wherever it appears; every record has its own id.
    expect(record?.user_id).toBe(sample.user_id);
    expect(record?.id).not.toBe(record?.user_id);
    expect(Number.isNaN(Date.parse(String(record?.start_time)))).toBe(false);
  });

  it('is deterministic, and the seed and base time change what they should', () => {
    expect(synthesizer.sample(envelope)).toEqual(new SampleSynthesizer(shared).sample(envelope));
    const seeded = synthesizer.sample(envelope, { seed: 'other' }) as { user_id: string };
    expect(seeded.user_id).not.toBe((synthesizer.sample(envelope) as { user_id: string }).user_id);
    const later = synthesizer.sample(envelope, { baseTime: new Date('2025-01-02T03:04:05Z') });
    expect(later).toMatchObject({ data: [{ start_time: '2025-01-02T03:04:05.000000+00:00' }] });
  });

  it('fills optional fields on request and stops at recursive references', () => {
    const full = synthesizer.sample(envelope, { includeOptional: true }) as { data: Record<string, unknown>[] };
    const [record] = full.data;
    expect(record).toMatchObject({ score: 1.5, note: 'sample-note' });
    expect(record).not.toHaveProperty('children');
    expect(record).not.toHaveProperty('parent');
  });

  it('merges allOf parts and picks the non-null arm of a union', () => {
    expect(
      synthesizeSample({
        allOf: [
          { type: 'object', properties: { a: { type: 'boolean' } }, required: ['a'] },
          { type: 'object', properties: { b: { anyOf: [{ type: 'null' }, { type: 'integer' }] } }, required: ['b'] },
        ],
      }),
    ).toEqual({ a: false, b: 1 });
    const tuple = { type: 'array', items: [{ type: 'number' }, { type: 'string', format: 'uuid' }] };
    expect(synthesizeSample(tuple)).toEqual([1.5, expect.stringMatching(UUID)]);
  });

  it('fails loudly on a reference it cannot resolve', () => {
    expect(() => synthesizeSample({ $ref: 'urn:test:Missing' })).toThrow(/Unknown \$ref/);
  });
});
