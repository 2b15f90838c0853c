import { isoEpochMs } from '../iso-timestamp.js';

/**
 * Reading Terra's ISO 8601 timestamps (`2024-04-29T00:00:00.000000+00:00`: microseconds and an
 * explicit offset). Total functions: anything unreadable gives `undefined`, never an exception.
 */

const DATE_PART = /^(\d{4}-\d{2}-\d{2})(?:$|[Tt ])/;

/** A Terra timestamp (`2024-04-29T00:00:00.000000+00:00`) as epoch milliseconds; `undefined` when unreadable. */
export const terraEpochMs: (value: unknown) => number | undefined = isoEpochMs;

/**
 * The calendar date a timestamp is written in (`YYYY-MM-DD`), without converting to UTC: Terra writes
 * a day's `start_time` as the user's local midnight (`2024-04-29T00:00:00+02:00`), and that local
 * date is the day meant. `undefined` when the value does not start with a date.
 */
export function terraDatePart(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return DATE_PART.exec(value)?.[1];
}
