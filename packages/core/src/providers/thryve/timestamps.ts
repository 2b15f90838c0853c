import { parseIsoTimestamp } from '../iso-timestamp.js';

/**
 * Thryve sends every timestamp either as an ISO 8601 string or as a unix integer, depending on the
 * account's `timestampType` setting (`iso`/`ISO`/`unix`, in any letter case). wearhook does not trust
 * that setting: it detects each value by itself (an ISO string or a unix number, seconds or
 * milliseconds by magnitude), so a delivery whose `timestampType` disagrees with its values, or mixes
 * them, still normalises. A string of digits is not read as unix: the schema refuses it too.
 *
 * Every function here is total: anything it cannot read gives `undefined`, never an exception. The
 * schemas use the same patterns and bounds, so a value that passed validation always normalises.
 */

/** Calendar-valid `YYYY-MM-DD` (month lengths and leap years included), as a regex source. */
const DATE_SOURCE =
  '(?:\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))' +
  '|(?:\\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)';
const TIME_SOURCE = '(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:[.,]\\d+)?)?';
const OFFSET_SOURCE = '(?:[Zz]|[+-](?:[01]\\d|2[0-3])(?::?[0-5]\\d)?)';

/**
 * What an ISO timestamp may look like: a date alone, or a date and time with an optional UTC offset.
 * A time without an offset is read as UTC (Thryve documents its ISO values as UTC). Used verbatim as
 * the JSON Schema `pattern`, so validation and normalisation can never disagree.
 */
export const THRYVE_ISO_TIMESTAMP_PATTERN = `^${DATE_SOURCE}(?:[Tt ]${TIME_SOURCE}${OFFSET_SOURCE}?)?$`;

/**
 * Unix values at or above this are milliseconds, below it seconds. Thryve documents milliseconds, but
 * third-party code reads `day` in seconds. 1e11 ms is March 1973 and 1e11 s is the year 5138, so no
 * plausible value of either unit lands on the wrong side.
 */
export const THRYVE_UNIX_MS_THRESHOLD = 1e11;

/**
 * The largest unix value accepted: 9999-12-31T23:59:59.999Z in milliseconds, the same ceiling four-digit
 * ISO years have, so every accepted value has a `YYYY-MM-DD` day.
 */
export const THRYVE_MAX_UNIX_VALUE = 253_402_300_799_999;

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A Thryve timestamp as epoch milliseconds, or `undefined` when it is neither valid ISO nor unix. */
export function thryveEpochMs(value: unknown): number | undefined {
  if (typeof value === 'number') return unixToMilliseconds(value);
  if (typeof value === 'string') return parseIsoTimestamp(value)?.epochMs;
  return undefined;
}

/** A Thryve timestamp as a `Date`, or `undefined` when it cannot be read. */
export function thryveDate(value: unknown): Date | undefined {
  const ms = thryveEpochMs(value);
  return ms === undefined ? undefined : new Date(ms);
}

/**
 * The calendar day (`YYYY-MM-DD`) a daily value belongs to, or `undefined` when it cannot be read.
 *
 * A `day` names a calendar day, not an instant, and Thryve documents unix days as "midnight (day
 * start) in UTC". The rule:
 * - an ISO date (`2022-09-07`) is that day;
 * - an ISO date-time with a non-zero offset (`2022-09-07T00:00:00+02:00`) is the date as written,
 *   the sender's own calendar day;
 * - a unix value or a UTC ISO date-time is the UTC date, except when it is not a UTC midnight but
 *   shifting it by `timezoneOffsetMinutes` (local = UTC + offset, the ISO sign convention) lands on a
 *   midnight: then the day starts at a local midnight and that local date is meant.
 * So the ISO and unix forms of one day give the same answer whichever midnight Thryve chose.
 */
export function thryveDay(value: unknown, timezoneOffsetMinutes?: number): string | undefined {
  let instant: number | undefined;
  if (typeof value === 'number') {
    instant = unixToMilliseconds(value);
  } else if (typeof value === 'string') {
    const parsed = parseIsoTimestamp(value);
    if (parsed === undefined) return undefined;
    if (!parsed.hasTime) return value.slice(0, 10);
    if (parsed.offsetMinutes !== 0) return value.slice(0, 10);
    instant = parsed.epochMs;
  }
  if (instant === undefined) return undefined;
  if (instant % DAY !== 0 && typeof timezoneOffsetMinutes === 'number' && Number.isFinite(timezoneOffsetMinutes)) {
    const local = instant + timezoneOffsetMinutes * MINUTE;
    if (local % DAY === 0) return utcDate(local);
  }
  return utcDate(instant);
}

function unixToMilliseconds(value: number): number | undefined {
  if (!Number.isFinite(value) || value < 0 || value > THRYVE_MAX_UNIX_VALUE) return undefined;
  return Math.round(value >= THRYVE_UNIX_MS_THRESHOLD ? value : value * 1000);
}

function utcDate(epochMs: number): string | undefined {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().slice(0, 10);
}
