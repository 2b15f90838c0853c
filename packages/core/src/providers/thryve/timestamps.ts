/**
 * Thryve sends every timestamp either as an ISO 8601 string or as a unix integer, depending on the
 * account's `timestampType` setting. wearhook does not trust that setting: it reads each value by its
 * JSON type, so a delivery whose `timestampType` disagrees with its values still normalises.
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
  if (typeof value === 'string') return parseIso(value)?.epochMs;
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
    const parsed = parseIso(value);
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

interface ParsedIso {
  readonly epochMs: number;
  readonly hasTime: boolean;
  readonly offsetMinutes: number;
}

/**
 * Reads a value of exactly the language of {@link THRYVE_ISO_TIMESTAMP_PATTERN} in one pass: the
 * fields by character position, then their ranges and the calendar by arithmetic, with no regex and
 * no `Date`. The tests check it against the pattern on generated strings.
 */
function parseIso(value: string): ParsedIso | undefined {
  const length = value.length;
  if (length < 10 || value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH) return undefined;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const date = daysFromCivil(year, month, day) * DAY;
  if (length === 10) return { epochMs: date, hasTime: false, offsetMinutes: 0 };

  const separator = value.charCodeAt(10);
  if (separator !== UPPER_T && separator !== LOWER_T && separator !== SPACE) return undefined;
  if (length < 16 || value.charCodeAt(13) !== COLON) return undefined;
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return undefined;
  let second = 0;
  let millisecond = 0;
  let at = 16;
  if (at < length && value.charCodeAt(at) === COLON) {
    second = digits(value, at + 1, 2);
    if (second < 0 || second > 59) return undefined;
    at += 3;
    const mark = at < length ? value.charCodeAt(at) : 0;
    if (mark === DOT || mark === COMMA) {
      const first = ++at;
      // Milliseconds are the first three digits; any further ones are dropped, not rounded.
      while (at < length && isDigit(value.charCodeAt(at))) {
        if (at - first < 3) millisecond = millisecond * 10 + (value.charCodeAt(at) - ZERO);
        at++;
      }
      if (at === first) return undefined;
      for (let place = at - first; place < 3; place++) millisecond *= 10;
    }
  }

  let offsetMinutes = 0;
  if (at < length) {
    const mark = value.charCodeAt(at);
    if (mark === UPPER_Z || mark === LOWER_Z) {
      at++;
    } else if (mark === PLUS || mark === MINUS) {
      const offsetHours = digits(value, at + 1, 2);
      if (offsetHours < 0 || offsetHours > 23) return undefined;
      at += 3;
      let offsetMins = 0;
      if (at < length) {
        if (value.charCodeAt(at) === COLON) at++;
        offsetMins = digits(value, at, 2);
        if (offsetMins < 0 || offsetMins > 59) return undefined;
        at += 2;
      }
      offsetMinutes = (mark === MINUS ? -1 : 1) * (offsetHours * 60 + offsetMins);
    } else {
      return undefined;
    }
  }
  if (at !== length) return undefined;
  const epochMs = date + ((hour * 60 + minute) * 60 + second) * 1000 + millisecond - offsetMinutes * MINUTE;
  return { epochMs, hasTime: true, offsetMinutes };
}

const ZERO = 0x30;
const DASH = 0x2d;
const COLON = 0x3a;
const DOT = 0x2e;
const COMMA = 0x2c;
const PLUS = 0x2b;
const MINUS = 0x2d;
const SPACE = 0x20;
const UPPER_T = 0x54;
const LOWER_T = 0x74;
const UPPER_Z = 0x5a;
const LOWER_Z = 0x7a;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

/** The `count` ASCII digits at `start` as a number, or -1 when any is missing or not a digit. */
function digits(value: string, start: number, count: number): number {
  if (start + count > value.length) return -1;
  let result = 0;
  for (let i = start; i < start + count; i++) {
    const code = value.charCodeAt(i);
    if (!isDigit(code)) return -1;
    result = result * 10 + (code - ZERO);
  }
  return result;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`), any year 0-9999. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function utcDate(epochMs: number): string | undefined {
  const date = new Date(epochMs);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().slice(0, 10);
}
