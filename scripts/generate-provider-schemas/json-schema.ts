/** A JSON value as found in a spec file. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The structural subset of JSON Schema (draft-07, what ajv's default class speaks) that the generator
 * emits. Everything else in the specs (prose, examples, bounds, vendor extensions) is dropped.
 */
export interface Schema {
  $id?: string;
  $ref?: string;
  type?: string | string[];
  format?: string;
  /** Only ever the digits of an integer id sent as a string (see widen-schema.ts). */
  pattern?: string;
  const?: JsonValue;
  enum?: JsonValue[];
  properties?: Record<string, Schema>;
  required?: string[];
  /** An array schema, or a tuple (draft-07 spells `prefixItems` as an array of `items`). */
  items?: Schema | Schema[];
  /** Only ever a schema for map values: extra properties are always allowed. */
  additionalProperties?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  /**
   * Only ever the known values of an enum the spec calls non-exhaustive: validation accepts any value
   * of the type (`examples` is an annotation ajv ignores), the TypeScript type and the sample
   * synthesiser still see the known ones. The specs' own examples are dropped.
   */
  examples?: JsonValue[];
}

/** The order keywords are written in, so the output does not depend on the spec's key order. */
export const KEYWORD_ORDER: readonly (keyof Schema)[] = [
  '$id',
  '$ref',
  'type',
  'format',
  'pattern',
  'const',
  'enum',
  'examples',
  'properties',
  'required',
  'items',
  'additionalProperties',
  'allOf',
  'anyOf',
  'oneOf',
];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
