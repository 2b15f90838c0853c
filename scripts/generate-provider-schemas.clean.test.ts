import { describe, expect, it } from 'vitest';
import { cleanSchema, type CleanContext } from './generate-provider-schemas/clean-schema.js';

const context: CleanContext = {
  ref: (target) => `urn:test:${target.split('/').pop() ?? ''}`,
  isOpenEnum: (raw) => raw.description === 'open',
};
const clean = (raw: unknown): unknown => cleanSchema(raw, context);

describe('cleanSchema', () => {
  it('drops prose, examples, bounds and vendor extensions, keeps structure', () => {
    expect(
      clean({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        title: 'Thing',
        description: 'A thing',
        example: { a: 'x' },
        'x-junction-exhaustive': true,
        properties: { a: { type: 'string', minLength: 1, pattern: '^x', examples: ['x'], default: 'x', deprecated: true } },
        required: ['a'],
      }),
    ).toEqual({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] });
  });

  it('keeps descriptive string formats only, as the sample synthesiser uses them', () => {
    expect(clean({ type: 'string', format: 'uuid4' })).toEqual({ type: 'string', format: 'uuid' });
    expect(clean({ type: 'string', format: 'date-time' })).toEqual({ type: 'string', format: 'date-time' });
    expect(clean({ type: 'integer', format: 'int64' })).toEqual({ type: 'integer' });
  });

  it('converts OpenAPI 3.0 nullable into type unions, or an anyOf where there is no type', () => {
    expect(clean({ type: 'string', nullable: true })).toEqual({ type: ['string', 'null'] });
    expect(clean({ type: 'string', enum: ['a', 'b'], nullable: true })).toEqual({
      type: ['string', 'null'],
      enum: ['a', 'b', null],
    });
    expect(clean({ $ref: '#/components/schemas/User', nullable: true })).toEqual({
      anyOf: [{ $ref: 'urn:test:User' }, { type: 'null' }],
    });
  });

  it('simplifies the 3.1 idioms: anyOf with null, oneOf of consts, single-arm allOf', () => {
    expect(clean({ anyOf: [{ type: 'number' }, { type: 'null' }] })).toEqual({ type: ['number', 'null'] });
    expect(clean({ anyOf: [{ type: 'number' }, { description: 'anything' }] })).toEqual({ anyOf: [{ type: 'number' }, {}] });
    expect(clean({ anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] })).toEqual({
      type: ['array', 'null'],
      items: { type: 'string' },
    });
    expect(clean({ anyOf: [{ $ref: '#/components/schemas/A' }, { type: 'null' }] })).toEqual({
      anyOf: [{ $ref: 'urn:test:A' }, { type: 'null' }],
    });
    expect(clean({ oneOf: [{ type: 'number', const: 0, title: 'Zero' }, { type: 'number', const: 1 }] })).toEqual({
      type: 'number',
      enum: [0, 1],
    });
    expect(clean({ allOf: [{ $ref: '#/components/schemas/A' }], description: 'x' })).toEqual({ $ref: 'urn:test:A' });
  });

  it('never forbids extra properties, and keeps map value schemas', () => {
    expect(clean({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false })).toEqual({
      type: 'object',
      properties: { a: { type: 'string' } },
    });
    expect(clean({ type: 'object', additionalProperties: true })).toEqual({ type: 'object' });
    expect(clean({ type: 'object', additionalProperties: { type: 'number' } })).toEqual({
      type: 'object',
      additionalProperties: { type: 'number' },
    });
    expect(clean({ type: 'object', properties: {}, unevaluatedProperties: { type: 'number' } })).toEqual({
      type: 'object',
      additionalProperties: { type: 'number' },
    });
  });

  it('keeps an open enum as the known values the type allows, not as a constraint', () => {
    expect(clean({ type: 'string', enum: ['a', 'b'], description: 'open' })).toEqual({ type: 'string', examples: ['a', 'b'] });
    expect(clean({ type: 'string', enum: ['a', 'b'] })).toEqual({ type: 'string', enum: ['a', 'b'] });
  });

  it('turns 2020-12 prefixItems into a draft-07 tuple', () => {
    expect(clean({ type: 'array', prefixItems: [{ type: 'number' }, { type: 'string' }] })).toEqual({
      type: 'array',
      items: [{ type: 'number' }, { type: 'string' }],
    });
  });

  it('keeps siblings of a $ref by wrapping them in allOf', () => {
    expect(clean({ $ref: '#/components/schemas/A', required: ['x'], description: 'dropped' })).toEqual({
      allOf: [{ $ref: 'urn:test:A' }, { required: ['x'] }],
    });
  });
});
