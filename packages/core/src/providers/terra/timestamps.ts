/**
 * Reading Terra's ISO 8601 timestamps (`2024-04-29T00:00:00.000000+00:00`: microseconds and an
 * explicit offset). Total functions: anything unreadable gives `undefined`, never an exception.
 */

const OFFSET = /(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$/;
const DATE_PART = /^(\d{4}-\d{2}-\d{2})(?:$|[Tt ])/;

/**
 * A timestamp as epoch milliseconds (sub-millisecond digits dropped). A date-time without an offset is
 * read as UTC, never as the server's local time, so the result does not depend on where it runs.
 */
export function terraEpochMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const withOffset = value.includes('T') && !OFFSET.test(value) ? `${value}Z` : value;
  const ms = Date.parse(withOffset);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The calendar date a timestamp is written in (`YYYY-MM-DD`), without converting to UTC: Terra writes
 * a day's `start_time` as the user's local midnight (`2024-04-29T00:00:00+02:00`), and that local
 * date is the day meant. `undefined` when the value does not start with a date.
 */
export function terraDatePart(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return DATE_PART.exec(value)?.[1];
}
