import { describe, expect, it } from 'vitest';
import { withoutAnnotations } from './generate-provider-schemas/emit-conformance-schemas.js';
import type { Schema } from './generate-provider-schemas/json-schema.js';
import { TypeEmitter } from './generate-provider-schemas/type-emitter.js';
import { buildEventCatalog } from './generate-provider-schemas/event-catalog.js';
import type { LoadedSpec } from './generate-provider-schemas/load-spec.js';
import type { ProviderConfig } from './generate-provider-schemas/provider-config.js';

const emitter = new TypeEmitter({ ofRef: (ref) => ref.replace('urn:test:', ''), isInterface: (ref) => ref.endsWith('Base') });

describe('TypeEmitter', () => {
  it('prints objects as interfaces with optional properties where not required', () => {
    expect(
      emitter.declaration('Thing', {
        type: 'object',
        properties: { id: { type: 'string' }, score: { type: ['integer', 'null'] }, 'odd-name': { type: 'boolean' } },
        required: ['id'],
      }),
    ).toBe('export interface Thing {\n  id: string;\n  score?: number | null;\n  "odd-name"?: boolean;\n}\n');
  });

  it('prints enums and consts as literal unions, and open enums as still accepting any value', () => {
    expect(emitter.declaration('Kind', { type: 'string', enum: ['a', 'b'] })).toBe('export type Kind = "a" | "b";\n');
    expect(emitter.declaration('Kind', { type: 'string', examples: ['a'] })).toBe('export type Kind = "a" | (string & {});\n');
    expect(emitter.declaration('Stage', { type: ['integer', 'null'], examples: [1, 2] })).toBe(
      'export type Stage = 1 | 2 | (number & {}) | null;\n',
    );
    expect(emitter.expression({ type: 'string', const: 'x' }, '')).toBe('"x"');
  });

  it('prints arrays, tuples, maps, refs, unions and nested objects', () => {
    expect(emitter.expression({ type: 'array', items: { $ref: 'urn:test:Sample' } }, '')).toBe('Sample[]');
    expect(emitter.expression({ type: 'array', items: { type: ['string', 'null'] } }, '')).toBe('(string | null)[]');
    expect(emitter.expression({ type: 'array', items: [{ type: 'number' }, { type: 'number' }] }, '')).toBe(
      '[number, number, ...unknown[]]',
    );
    expect(emitter.expression({ type: 'object', additionalProperties: { type: 'number' } }, '')).toBe('Record<string, number>');
    expect(emitter.expression({ anyOf: [{ $ref: 'urn:test:A' }, { type: 'null' }] }, '')).toBe('A | null');
    const nested: Schema = { type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'string' } } } } };
    expect(emitter.expression(nested, '')).toBe('{\n  a?: {\n    b?: string;\n  };\n}');
    expect(emitter.expression({}, '')).toBe('unknown');
  });

  it('extends interfaces named in allOf, and intersects anything else', () => {
    const event: Schema = {
      type: 'object',
      properties: { type: { const: 'x' } },
      required: ['type'],
      allOf: [{ $ref: 'urn:test:Base' }],
    };
    expect(emitter.declaration('Event', event)).toBe('export interface Event extends Base {\n  type: "x";\n}\n');
    const mixed: Schema = { allOf: [{ $ref: 'urn:test:Other' }, { anyOf: [{ type: 'string' }, { type: 'number' }] }] };
    expect(emitter.declaration('Mixed', mixed)).toBe('export type Mixed = Other & (string | number);\n');
  });
});

describe('buildEventCatalog', () => {
  const config: ProviderConfig = {
    provider: 'vital',
    specFile: 'test.json',
    discriminator: 'event_type',
    extraEventUnions: ['All'],
    aliases: { legacy: 'thing.created' },
    unspecifiedEventTypes: {},
    isOpenEnum: () => false,
    openConsts: false,
    gate: { schemaOf: () => ({}) },
  };
  const envelope = (values: string[]): object => ({
    type: 'object',
    properties: { event_type: { type: 'string', enum: values } },
  });
  const body = (ref: string): object => ({
    post: { requestBody: { content: { 'application/json': { schema: { $ref: ref } } } } },
  });
  const spec = (webhooks: Record<string, unknown>, components: Record<string, unknown>): LoadedSpec => ({
    file: 'test.json',
    title: 'Test',
    version: '1',
    webhooks,
    components,
  });

  it('expands enums behind wildcard keys, adds union-only events and aliases, and sorts', () => {
    const catalog = buildEventCatalog(
      spec(
        { 'thing.*': body('#/components/schemas/ThingChanged') },
        {
          ThingChanged: envelope(['thing.updated', 'thing.created']),
          Other: envelope(['other.created']),
          All: { oneOf: [{ $ref: '#/components/schemas/ThingChanged' }, { $ref: '#/components/schemas/Other' }] },
        },
      ),
      config,
    );
    expect(catalog.entries.map((entry) => [entry.eventType, entry.component])).toEqual([
      ['legacy', 'ThingChanged'],
      ['other.created', 'Other'],
      ['thing.created', 'ThingChanged'],
      ['thing.updated', 'ThingChanged'],
    ]);
    expect(catalog.notes).toHaveLength(2);
  });

  it('fails when a wildcard key expands to a type it does not match', () => {
    const components = { Wrong: envelope(['other.created']), All: { oneOf: [] } };
    const wrong = spec({ 'thing.*': body('#/components/schemas/Wrong') }, components);
    expect(() => buildEventCatalog(wrong, { ...config, aliases: {} })).toThrow(/does not match/);
  });
});

describe('withoutAnnotations: what the conformance data leaves out', () => {
  it('drops annotations and formats everywhere, keeping every keyword that validates', () => {
    const schema = {
      $id: 'urn:x',
      title: 'X',
      type: 'object',
      required: ['a', 'title'],
      properties: {
        a: { type: ['string', 'null'], format: 'uuid', examples: ['x'] },
        title: { type: 'array', items: [{ type: 'string', format: 'date' }, { description: 'any' }] },
        map: { type: 'object', additionalProperties: { type: 'number', format: 'float' } },
      },
      anyOf: [{ required: ['a'] }, { if: { format: 'x', type: 'string' }, then: { pattern: '^a' }, else: { examples: [1] } }],
    };
    expect(withoutAnnotations(schema)).toEqual({
      type: 'object',
      required: ['a', 'title'],
      properties: {
        a: { type: ['string', 'null'] },
        title: { type: 'array', items: [{ type: 'string' }, {}] },
        map: { type: 'object', additionalProperties: { type: 'number' } },
      },
      anyOf: [{ required: ['a'] }, { if: { type: 'string' }, then: { pattern: '^a' }, else: {} }],
    });
  });

  it('keeps `format` where it decides where ajv reports a type error: one type with keywords of every type beside it', () => {
    expect(withoutAnnotations({ type: 'string', format: 'date-time', enum: ['a'] })).toEqual({ type: 'string', format: 'date-time', enum: ['a'] });
    expect(withoutAnnotations({ type: 'number', format: 'float', const: 1 })).toEqual({ type: 'number', format: 'float', const: 1 });
    expect(withoutAnnotations({ type: ['string', 'null'], format: 'date-time', enum: ['a'] })).toEqual({ type: ['string', 'null'], enum: ['a'] });
    expect(withoutAnnotations({ type: 'integer', format: 'int64', enum: [1] })).toEqual({ type: 'integer', enum: [1] });
  });
});
