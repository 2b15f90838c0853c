/**
 * Thryve's integer ids (data source, data type) as numbers. Thryve documents them as integers, but
 * legacy triggers and some integrations send them as numeric strings (`"dataSource": "8"`); both must
 * give one record key.
 */

/** A Thryve integer id as received: a number, or a string of digits. */
export type ThryveIntegerId = number | string;

/** JSON Schema of {@link ThryveIntegerId}: an integer, or a string of decimal digits. */
export const thryveIntegerIdSchema = {
  anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?[0-9]{1,15}$' }],
} as const;

/** The id as a number. The gate admits only integers and digit strings, so this is exact for them. */
export function thryveId(value: ThryveIntegerId): number {
  return typeof value === 'number' ? value : Number(value);
}
