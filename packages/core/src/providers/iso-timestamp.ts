/**
 * Reading ISO 8601 timestamps as Terra and Vital write them (`2024-04-29T00:00:00.000000+00:00`,
 * `2023-02-13T14:30:52+00:00`). Total: anything unreadable gives `undefined`, never an exception.
 */

const OFFSET = /(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * A timestamp as epoch milliseconds (sub-millisecond digits dropped). A date-time without an offset is
 * read as UTC, never as the server's local time, so keys do not depend on where wearhook runs.
 */
export function isoEpochMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const withOffset = value.includes('T') && !OFFSET.test(value) ? `${value}Z` : value;
  const ms = Date.parse(withOffset);
  return Number.isNaN(ms) ? undefined : ms;
}
