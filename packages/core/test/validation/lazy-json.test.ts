import { describe, expect, it } from 'vitest';
import { terraEventTypes } from '../../src/providers/terra/generated/event-types.js';
import { terraEventSchemas, terraSharedSchemas } from '../../src/providers/terra/generated/schemas.js';
import { lazyJsonArray, lazyJsonRecord } from '../../src/validation/lazy-json.js';

/** Whether `key` of `target` is still a getter, i.e. the JSON behind it has not been parsed yet. */
function unparsed(target: object, key: PropertyKey): boolean {
  return Object.getOwnPropertyDescriptor(target, key)?.get !== undefined;
}

describe('lazyJsonRecord', () => {
  const text = '{"b":{"type":"string"},"a":{"type":"number","enum":[1,2]}}';

  it('lists its keys without parsing, and parses everything on the first read of any value', () => {
    const record = lazyJsonRecord(['b', 'a'], text);
    expect(Object.keys(record)).toEqual(['b', 'a']);
    expect(Object.hasOwn(record, 'a')).toBe(true);
    expect('c' in record).toBe(false);
    expect(unparsed(record, 'a')).toBe(true);

    expect(record.a).toEqual({ type: 'number', enum: [1, 2] });
    expect(unparsed(record, 'a')).toBe(false);
    expect(unparsed(record, 'b')).toBe(false);
    expect(Object.getOwnPropertyDescriptor(record, 'b')).toEqual({ value: { type: 'string' }, writable: true, enumerable: true, configurable: true });
    expect(Object.keys(record)).toEqual(['b', 'a']);
    expect(record.a).toBe(record.a);
  });

  it('looks like the parsed JSON to everything that reads it whole', () => {
    expect(JSON.stringify(lazyJsonRecord(['b', 'a'], text))).toBe(text);
    expect({ ...lazyJsonRecord(['b', 'a'], text) }).toEqual(JSON.parse(text));
    expect(structuredClone(lazyJsonRecord(['b', 'a'], text))).toEqual(JSON.parse(text));
    expect(Object.entries(lazyJsonRecord(['b', 'a'], text))).toEqual(Object.entries(JSON.parse(text) as object));
  });

  it('refuses text whose keys are not the declared ones, in order', () => {
    expect(() => lazyJsonRecord(['a', 'b'], text).a).toThrow(/declared keys/);
    expect(() => lazyJsonRecord(['b'], text).b).toThrow(/declared keys/);
  });
});

describe('lazyJsonArray', () => {
  const text = '[{"$id":"x"},{"$id":"y"},3]';

  it('is a real array of the declared length, parsed on the first read of an element', () => {
    const array = lazyJsonArray<unknown>(3, text);
    expect(Array.isArray(array)).toBe(true);
    expect(array.length).toBe(3);
    expect(unparsed(array, 0)).toBe(true);
    expect([...array]).toEqual([{ $id: 'x' }, { $id: 'y' }, 3]);
    expect(unparsed(array, 2)).toBe(false);
    expect(array.map((item) => typeof item)).toEqual(['object', 'object', 'number']);
    expect(JSON.stringify(array)).toBe(text);
  });

  it('refuses text that is not an array of the declared length', () => {
    expect(() => lazyJsonArray(2, text)[0]).toThrow(/array of 2/);
    expect(() => lazyJsonArray(1, '{"0":1}')[0]).toThrow(/array of 1/);
  });
});

describe('the generated schemas', () => {
  it('are not parsed by importing them, and parse to what their event types list', () => {
    // Nothing else in this file reads them before this point.
    expect(unparsed(terraEventSchemas, 'activity')).toBe(true);
    expect(unparsed(terraSharedSchemas, 0)).toBe(true);
    expect(Object.keys(terraEventSchemas)).toEqual([...terraEventTypes]);
    expect(terraEventSchemas.activity).toMatchObject({ type: 'object' });
    expect(terraSharedSchemas.every((schema) => typeof (schema as { $id?: unknown }).$id === 'string')).toBe(true);
  });
});
