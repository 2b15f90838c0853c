/**
 * Thryve's integer ids (data source, data type) as numbers. Thryve documents them as integers, but
 * legacy triggers and some integrations send them as numeric strings (`"dataSource": "8"`); both must
 * give one record key.
 */

/** A Thryve integer id as received: a number, or a string of digits. */
export type ThryveIntegerId = number | string;

/** The digit strings Thryve's integer ids come as. */
const INTEGER_ID_PATTERN = '^-?[0-9]{1,15}$';
const INTEGER_ID = new RegExp(INTEGER_ID_PATTERN, 'u');

/** JSON Schema of {@link ThryveIntegerId}: an integer, or a string of decimal digits. */
export const thryveIntegerIdSchema = {
  anyOf: [{ type: 'integer' }, { type: 'string', pattern: INTEGER_ID_PATTERN }],
} as const;

/** Whether `value` is a {@link ThryveIntegerId}: an integer, or a string of decimal digits. */
export function isThryveIntegerId(value: unknown): value is ThryveIntegerId {
  return typeof value === 'number' ? Number.isInteger(value) : typeof value === 'string' && INTEGER_ID.test(value);
}

/** The id as a number. The gate admits only integers and digit strings, so this is exact for them. */
export function thryveId(value: ThryveIntegerId): number {
  return typeof value === 'number' ? value : Number(value);
}
