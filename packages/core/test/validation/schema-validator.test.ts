import { describe, expect, it } from 'vitest';
import { lazyJsonArray, lazyJsonRecord } from '../../src/validation/lazy-json.js';
import { SchemaValidator } from '../../src/validation/schema-validator.js';

function unparsed(target: object, key: PropertyKey): boolean {
  return Object.getOwnPropertyDescriptor(target, key)?.get !== undefined;
}

const SHARED = '[{"$id":"urn:test:Name","type":"string","minLength":1}]';
const EVENTS = '{"greeting":{"type":"object","properties":{"name":{"$ref":"urn:test:Name"}},"required":["name"]},"ping":{"type":"object"}}';

describe('SchemaValidator', () => {
  it('reads no schema when constructed or asked which types it has; the first validate reads them', () => {
    const schemas = lazyJsonRecord(['greeting', 'ping'], EVENTS);
    const shared = lazyJsonArray(1, SHARED);
    const validator = new SchemaValidator(schemas, shared);
    expect(validator.has('greeting')).toBe(true);
    expect(validator.has('other')).toBe(false);
    expect(unparsed(schemas, 'greeting')).toBe(true);
    expect(unparsed(shared, 0)).toBe(true);

    expect(validator.validate('greeting', { name: 'Ada' })).toEqual({ valid: true });
    expect(unparsed(schemas, 'greeting')).toBe(false);
    expect(unparsed(shared, 0)).toBe(false);
    expect(validator.validate('greeting', { name: '' })).toEqual({ valid: false, issues: [{ path: '/name', message: 'must NOT have fewer than 1 characters' }] });
    expect(validator.validate('greeting', {})).toEqual({ valid: false, issues: [{ path: '/', message: 'must have property "name"' }] });
  });

  it('an unknown event type throws, before anything is compiled', () => {
    const validator = new SchemaValidator({ ping: { type: 'object' } }, [{ $id: 'urn:test:Broken', type: 'nonsense' }]);
    expect(() => validator.validate('other', {})).toThrow(/No schema for event type "other"/);
  });

  it('a malformed schema is accepted at construction and refused when first compiled', () => {
    const validator = new SchemaValidator({ bad: { type: 'object', required: 'name' } });
    expect(() => validator.validate('bad', {})).toThrow(/required/);
  });

  it('compileAll compiles every schema at once', () => {
    const validator = new SchemaValidator(lazyJsonRecord(['greeting', 'ping'], EVENTS), lazyJsonArray(1, SHARED));
    expect(() => validator.compileAll()).not.toThrow();
    expect(validator.validate('ping', [])).toMatchObject({ valid: false });
  });
});
