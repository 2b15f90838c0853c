/**
 * The one timestamp parser for payload and header values: strict ISO 8601 / RFC 3339 as the providers
 * write it (Terra `2024-04-29T00:00:00.000000+00:00`, Vital `2023-02-13T14:30:52+00:00`, Thryve
 * `2022-09-07T10:00:00Z` or `2022-09-07`).
 *
 * Why not `Date.parse`: it reads a date-time without an offset in the server's local time zone (so a
 * record key would depend on `TZ`), rolls impossible dates over (`2024-02-30` becomes March 1st) and
 * accepts a grab bag of other spellings. This parser reads the fields by position, checks their
 * ranges and the calendar by arithmetic, and uses neither a regex nor `Date`: one pass, linear in the
 * input, whatever the sender puts in it.
 *
 * The language (exactly that of THRYVE_ISO_TIMESTAMP_PATTERN, which the tests check on generated strings):
 * `YYYY-MM-DD`, optionally followed by `T`, `t` or a space, `hh:mm`, optionally `:ss` and a fraction
 * (`.` or `,` and any number of digits), optionally `Z`/`z` or `±hh`, `±hhmm`, `±hh:mm`.
 *
 * A time without an offset (`2024-04-29 10:00:00`) is read as UTC, the same instant under every `TZ`.
 * It is accepted rather than refused because every provider here writes UTC when it writes no offset
 * (Thryve documents its ISO values as UTC; Terra and Vital always write an offset), and refusing would
 * turn a harmless spelling into a record key built from the raw text instead of the instant.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A timestamp read by {@link parseIsoTimestamp}. */
export interface ParsedIsoTimestamp {
  /** The instant, epoch milliseconds (digits past milliseconds dropped, not rounded). */
  readonly epochMs: number;
  /** `false` for a date alone (`2024-04-29`), read as that day's UTC midnight. */
  readonly hasTime: boolean;
  /** The offset as written (`+02:00` is 120); 0 for `Z` and for a time written without one. */
  readonly offsetMinutes: number;
}

/** Reads `value` as a strict ISO 8601 timestamp (see the file's comment); `undefined` when it is not one. */
export function parseIsoTimestamp(value: string): ParsedIsoTimestamp | undefined {
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

/**
 * A timestamp as epoch milliseconds, or `undefined` when `value` is not a string in the language of
 * {@link parseIsoTimestamp}. Total: never throws.
 */
export function isoEpochMs(value: unknown): number | undefined {
  return typeof value === 'string' ? parseIsoTimestamp(value)?.epochMs : undefined;
}
