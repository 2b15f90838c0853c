/** Turns the `data` of a data push into one flat list of normalised points. */
import { thryveId } from './ids.js';
import type { ThryveDailyDataSource, ThryveEpochDataSource } from './payload-types.js';
import { thryveDate, thryveDay } from './timestamps.js';
import type { ThryveDailyPoint, ThryveEpochPoint } from './types.js';

// A plain decimal, as Thryve writes values ("53.0", "-1.5e3"). Number() alone would also take "",
// " ", "0x10" and "Infinity", none of which is a measured number. Each character has one place to go:
// `\d+\.?\d*` could split a run of digits between `\d+` and `\d*` in n ways, so a value of n digits and
// a stray letter took O(n²) steps to refuse (100,000 digits blocked the event loop for ~10 s).
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/u;

/** `value` as sent, as text: a number as its string; `undefined` for none (not "undefined" or "null"). */
function valueText(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

/** `value` as a number when it is one, else `undefined`. */
export function numericValueOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function asArray<T>(data: T | readonly T[]): readonly T[] {
  return Array.isArray(data) ? (data as readonly T[]) : [data as T];
}

/**
 * The epoch points of every data source in `data` (one object or an array), in order. A point whose
 * start cannot be read (a string that is not a timestamp, a negative number) is left out of `points`
 * and `records`: the gate takes any string or number there, so such a delivery still reaches
 * `on(type)`, with the point in `payload` and the conformance schema's pattern reporting it as drift
 * (logged, and in `event.drift`).
 */
export function epochPointsOf(data: ThryveEpochDataSource | readonly ThryveEpochDataSource[]): ThryveEpochPoint[] {
  const points: ThryveEpochPoint[] = [];
  for (const source of asArray(data)) {
    for (const raw of source.epochData) {
      const start = thryveDate(raw.startTimestamp);
      if (start === undefined) continue;
      const details = raw.additionalDetails;
      points.push({
        dataSourceId: thryveId(source.dataSourceId),
        dataSourceName: source.dataSourceName,
        dataTypeId: thryveId(raw.dataTypeId),
        value: valueText(raw.value),
        numericValue: numericValueOf(raw.value),
        start,
        end: raw.endTimestamp === undefined ? undefined : thryveDate(raw.endTimestamp),
        timezoneOffset: raw.timezoneOffset,
        details,
        createdAt: thryveDate(details?.creationTimestamp),
        raw,
      });
    }
  }
  return points;
}

/** The daily points of every data source in `data`, in order; unreadable days are left out. */
export function dailyPointsOf(data: ThryveDailyDataSource | readonly ThryveDailyDataSource[]): ThryveDailyPoint[] {
  const points: ThryveDailyPoint[] = [];
  for (const source of asArray(data)) {
    for (const raw of source.dailyData) {
      const day = thryveDay(raw.day, raw.timezoneOffset);
      if (day === undefined) continue;
      const details = raw.additionalDetails;
      points.push({
        dataSourceId: thryveId(source.dataSourceId),
        dataSourceName: source.dataSourceName,
        dataTypeId: thryveId(raw.dataTypeId),
        value: valueText(raw.value),
        numericValue: numericValueOf(raw.value),
        day,
        timezoneOffset: raw.timezoneOffset,
        details,
        createdAt: thryveDate(details?.creationTimestamp),
        raw,
      });
    }
  }
  return points;
}
