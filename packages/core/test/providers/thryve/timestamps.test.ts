import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  THRYVE_ISO_TIMESTAMP_PATTERN,
  THRYVE_MAX_UNIX_VALUE,
  THRYVE_UNIX_MS_THRESHOLD,
  thryveDate,
  thryveDay,
  thryveEpochMs,
} from '../../../src/providers/thryve/timestamps.js';

const STEP_START = Date.UTC(2022, 8, 7, 19, 39, 32); // 2022-09-07T19:39:32Z

describe('thryveEpochMs / thryveDate', () => {
  it.each([
    ['2022-09-07T19:39:32Z', STEP_START],
    ['2022-09-07t19:39:32z', STEP_START],
    ['2022-09-07 19:39:32Z', STEP_START],
    ['2022-09-07T19:39:32', STEP_START],
    ['2022-09-07T19:39:32+00:00', STEP_START],
    ['2022-09-07T21:39:32+02:00', STEP_START],
    ['2022-09-07T21:39:32+0200', STEP_START],
    ['2022-09-07T17:39:32-02', STEP_START],
    ['2022-09-07T19:39:32.000Z', STEP_START],
    ['2022-09-07T19:39:32.123456Z', STEP_START + 123],
    ['2022-09-07T19:39:32,5Z', STEP_START + 500],
    ['2022-09-07T19:39Z', STEP_START - 32_000],
    ['2022-09-07', Date.UTC(2022, 8, 7)],
    ['2024-02-29T12:00:00Z', Date.UTC(2024, 1, 29, 12)],
    ['2000-02-29', Date.UTC(2000, 1, 29)],
    ['0099-01-01', -59042995200000],
  ])('reads ISO %s', (value, expected) => {
    expect(thryveEpochMs(value)).toBe(expected);
    expect(thryveDate(value)?.getTime()).toBe(expected);
  });

  it('reads unix milliseconds and seconds, splitting at 1e11', () => {
    expect(thryveEpochMs(STEP_START)).toBe(STEP_START);
    expect(thryveEpochMs(STEP_START / 1000)).toBe(STEP_START);
    expect(thryveEpochMs(0)).toBe(0);
    expect(thryveEpochMs(THRYVE_UNIX_MS_THRESHOLD - 1)).toBe((THRYVE_UNIX_MS_THRESHOLD - 1) * 1000);
    expect(thryveEpochMs(THRYVE_UNIX_MS_THRESHOLD)).toBe(THRYVE_UNIX_MS_THRESHOLD);
    expect(thryveEpochMs(THRYVE_MAX_UNIX_VALUE)).toBe(Date.UTC(9999, 11, 31, 23, 59, 59, 999));
  });

  it.each([
    'yesterday',
    '',
    '2022-09-07T19:39:32Zjunk',
    '2022-02-29',
    '1900-02-29',
    '2022-04-31',
    '2022-13-01',
    '2022-09-07T24:00:00Z',
    '2022-09-07T19:60:00Z',
    '2022-09-07T19:39:61Z',
    '2022-09-07T19:39:32+24:00',
    '22-09-07',
    '1662579572000',
    -1,
    THRYVE_MAX_UNIX_VALUE + 1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    null,
    undefined,
    true,
    {},
    [STEP_START],
  ])('gives undefined, not an exception, for %j', (value) => {
    expect(thryveEpochMs(value)).toBeUndefined();
    expect(thryveDate(value)).toBeUndefined();
    expect(thryveDay(value)).toBeUndefined();
  });

  it('reads every date-time the schema pattern accepts, and agrees with Date on UTC ones', () => {
    const pattern = new RegExp(THRYVE_ISO_TIMESTAMP_PATTERN, 'u');
    fc.assert(
      fc.property(fc.date({ min: new Date(Date.UTC(1000, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }), (date) => {
        const iso = date.toISOString();
        expect(pattern.test(iso)).toBe(true);
        expect(thryveEpochMs(iso)).toBe(date.getTime());
        expect(thryveDay(iso.slice(0, 10))).toBe(iso.slice(0, 10));
      }),
    );
  });
});

/** The reader before it became one pass: the schema pattern, then an extraction regex and Date arithmetic. */
function referenceIso(value: string): { epochMs: number; hasTime: boolean; offsetMinutes: number } | undefined {
  if (!new RegExp(THRYVE_ISO_TIMESTAMP_PATTERN, 'u').test(value)) return undefined;
  const parts = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:[Zz]|([+-])(\d{2}):?(\d{2})?)?)?$/u.exec(value);
  if (parts === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction, sign, offsetHours, offsetMins] = parts;
  const offsetMinutes = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMins ?? 0));
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0), Number((fraction ?? '').padEnd(3, '0').slice(0, 3)));
  return { epochMs: date.getTime() - offsetMinutes * 60_000, hasTime: hour !== undefined, offsetMinutes };
}

describe('the one-pass ISO reader', () => {
  // Near misses of the pattern: any digits where digits go (months 00-99, hours 00-99, ...), any of the
  // separators, fractions of any length including none, offsets with and without colon or minutes.
  const nearIso = fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 19 }),
      fc.integer({ min: 0, max: 39 }),
      fc.option(
        fc.tuple(
          fc.constantFrom('T', 't', ' ', 'Z', '_'),
          fc.integer({ min: 0, max: 29 }),
          fc.integer({ min: 0, max: 69 }),
          fc.option(fc.tuple(fc.integer({ min: 0, max: 69 }), fc.option(fc.tuple(fc.constantFrom('.', ',', ':'), fc.stringMatching(/^\d{0,7}$/))))),
          fc.option(fc.oneof(fc.constantFrom('Z', 'z', 'x', '+', '-02:', '+2'), fc.stringMatching(/^[+-]\d{2}(?::?\d{0,3})$/))),
        ),
      ),
    )
    .map(([year, month, day, time]) => {
      const two = (n: number) => String(n).padStart(2, '0');
      let text = `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}`;
      if (time !== null) {
        const [separator, hour, minute, seconds, offset] = time;
        text += `${separator}${two(hour)}:${two(minute)}`;
        if (seconds !== null) text += `:${two(seconds[0])}${seconds[1] === null ? '' : seconds[1][0] + seconds[1][1]}`;
        if (offset !== null) text += offset;
      }
      return text;
    });

  it('accepts exactly what the schema pattern accepts, and reads it as the regex-and-Date reader did', () => {
    fc.assert(
      fc.property(fc.oneof(nearIso, fc.string({ maxLength: 40 }), fc.stringMatching(/^\d{4}-\d{2}-\d{2}[Tt ]?[\d:.,+\-Zz]{0,20}$/)), (value) => {
        const expected = referenceIso(value);
        expect(thryveEpochMs(value)).toBe(expected?.epochMs);
        expect(thryveDay(value)).toBe(
          expected === undefined
            ? undefined
            : !expected.hasTime || expected.offsetMinutes !== 0
              ? value.slice(0, 10)
              : new Date(expected.epochMs).toISOString().slice(0, 10),
        );
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ['0000-02-29', -62_162_121_600_000],
    ['2100-02-29', undefined],
    ['2400-02-29T00:00Z', Date.UTC(2400, 1, 29)],
    ['2022-09-07T19:39:32.1Z', STEP_START + 100],
    ['2022-09-07T19:39:32.12Z', STEP_START + 120],
    ['2022-09-07T19:39:32.Z', undefined],
    ['2022-09-07T19:39.5Z', undefined],
    ['2022-09-07T19:39:32+02:', undefined],
    ['2022-09-07T19:39:32+02:0', undefined],
    ['2022-09-07T19:39:32+02:60', undefined],
    ['2022-09-07T19:39:32+2', undefined],
    ['2022-09-07T19:39:32Z ', undefined],
    ['2022-09-07 ', undefined],
    ['2022-09-07T', undefined],
    ['+2022-09-07', undefined],
    ['2022-9-07', undefined],
    ['２０２２-09-07', undefined],
  ])('reads %s as %s', (value, expected) => {
    expect(thryveEpochMs(value)).toBe(expected);
  });
});

describe('thryveDay', () => {
  it('takes an ISO date as written', () => {
    expect(thryveDay('2022-09-07')).toBe('2022-09-07');
    expect(thryveDay('2022-09-07', -600)).toBe('2022-09-07');
  });

  it('takes the written date of an ISO date-time with a non-zero offset', () => {
    expect(thryveDay('2022-09-07T00:00:00+02:00')).toBe('2022-09-07');
    expect(thryveDay('2022-09-07T23:30:00-05:00')).toBe('2022-09-07');
  });

  it('takes the UTC date of unix values and UTC date-times', () => {
    const midnight = Date.UTC(2022, 8, 7);
    expect(thryveDay(midnight)).toBe('2022-09-07');
    expect(thryveDay(midnight / 1000)).toBe('2022-09-07');
    expect(thryveDay('2022-09-07T00:00:00Z')).toBe('2022-09-07');
    expect(thryveDay(midnight + 13 * 3_600_000)).toBe('2022-09-07');
    // A UTC midnight stays its own day whatever the offset.
    expect(thryveDay(midnight, 120)).toBe('2022-09-07');
    expect(thryveDay(midnight, -300)).toBe('2022-09-07');
  });

  it('takes the local date when the value is a local midnight for the given offset', () => {
    const berlinMidnight = Date.UTC(2022, 8, 6, 22); // 2022-09-07T00:00+02:00
    expect(thryveDay(berlinMidnight, 120)).toBe('2022-09-07');
    expect(thryveDay('2022-09-06T22:00:00Z', 120)).toBe('2022-09-07');
    expect(thryveDay(Date.UTC(2022, 8, 7, 5), -300)).toBe('2022-09-07'); // New York midnight
    // Without the offset, or when the shift does not land on a midnight, the UTC date stands.
    expect(thryveDay(berlinMidnight)).toBe('2022-09-06');
    expect(thryveDay(berlinMidnight, 60)).toBe('2022-09-06');
  });
});
