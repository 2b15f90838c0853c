/**
 * Building blocks shared by the Thryve schemas. They are plain `as const` objects, inlined where used
 * (no `$id`/`$ref`), so each event schema is self-contained and can be compiled on its own.
 *
 * Where a value may take two shapes, `if`/`then`/`else` is used instead of `anyOf`: a failure then
 * reports the one branch that applies (e.g. `/data/epochData/0 must have property "dataTypeId"`)
 * rather than every branch's complaint.
 */
import { thryveIntegerIdSchema } from '../ids.js';
import { THRYVE_ISO_TIMESTAMP_PATTERN, THRYVE_MAX_UNIX_VALUE } from '../timestamps.js';

export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

/** `iso` or `unix`, any letter case (JSON Schema patterns have no case-insensitive flag). */
export const TIMESTAMP_TYPE_PATTERN = '^([iI][sS][oO]|[uU][nN][iI][xX])$';

/** An ISO 8601 string or a unix integer in seconds or milliseconds. */
export const timestampSchema = {
  type: ['string', 'integer'],
  if: { type: 'string' },
  then: { pattern: THRYVE_ISO_TIMESTAMP_PATTERN },
  else: { minimum: 0, maximum: THRYVE_MAX_UNIX_VALUE },
} as const;

/** A day: an ISO date or date-time, or a unix value of the day's start (same shapes as timestamps). */
export const daySchema = timestampSchema;

/** An integer id: an integer, or a numeric string as some senders write it. */
export const integerSchema = thryveIntegerIdSchema;
export const numberSchema = { type: 'number' } as const;
export const stringSchema = { type: 'string' } as const;
export const integerArraySchema = { type: 'array', items: integerSchema } as const;

/** A point's value: documented as a string, numbers accepted too. */
export const valueSchema = { type: ['string', 'number'] } as const;

/**
 * The envelope of every non-legacy Thryve webhook, with `type` limited to the spellings that select
 * this schema and `data` as given.
 */
export function envelopeSchema<const Types extends readonly string[], const Data extends object>(title: string, types: Types, data: Data) {
  return {
    $schema: JSON_SCHEMA_DIALECT,
    title,
    type: 'object',
    required: ['endUserId', 'timestampType', 'type', 'data'],
    properties: {
      endUserId: { type: 'string', minLength: 1 },
      endUserAlias: stringSchema,
      timestampType: { type: 'string', pattern: TIMESTAMP_TYPE_PATTERN },
      type: { enum: types },
      data,
    },
  } as const;
}

/** Accepts `data` as one object matching `item` or as an array of them. */
export function objectOrArrayOf<const Item extends object>(item: Item) {
  return {
    type: ['object', 'array'],
    if: { type: 'array' },
    then: { items: item },
    else: item,
  } as const;
}
