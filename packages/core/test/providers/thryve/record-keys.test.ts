import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ThryveDailyDataSource, ThryveEpochDataPoint, ThryveEpochDataSource } from '../../../src/providers/thryve/payload-types.js';
import { dailyPointsOf, epochPointsOf } from '../../../src/providers/thryve/points.js';
import {
  THRYVE_RECORD_KINDS,
  thryveDailyRecordKey,
  thryveDailyRecordRef,
  thryveEpochRecordKey,
  thryveEpochRecordRef,
  thryvePointVersion,
} from '../../../src/providers/thryve/record-keys.js';

const USER = 'user-token-1';

function epochPoint(point: Partial<ThryveEpochDataPoint> = {}, dataSourceId = 5) {
  const source: ThryveEpochDataSource = {
    dataSourceId,
    epochData: [
      {
        startTimestamp: '2022-09-07T19:39:32Z',
        endTimestamp: '2022-09-07T19:45:02Z',
        dataTypeId: 1000,
        value: '53.0',
        additionalDetails: { creationTimestamp: '2022-09-07T19:45:05Z', thirdPartyDataSourceId: 1, generationType: 'MANUAL_ENTRY' },
        ...point,
      },
    ],
  };
  const [normalised] = epochPointsOf(source);
  if (normalised === undefined) throw new Error('point did not normalise');
  return normalised;
}

function dailyPoint(day: string | number, dataTypeId = 2000, timezoneOffset?: number) {
  const source: ThryveDailyDataSource = {
    dataSourceId: 5,
    dailyData: [{ day, dataTypeId, value: '412', timezoneOffset, additionalDetails: { creationTimestamp: 1662610351000 } }],
  };
  const [normalised] = dailyPointsOf(source);
  if (normalised === undefined) throw new Error('point did not normalise');
  return normalised;
}

describe('Thryve record keys', () => {
  it('gives the ISO, unix-millisecond and unix-second forms of one epoch point the same key', () => {
    const iso = thryveEpochRecordKey(epochPoint());
    const offsetIso = thryveEpochRecordKey(epochPoint({ startTimestamp: '2022-09-07T21:39:32+02:00' }));
    const ms = thryveEpochRecordKey(epochPoint({ startTimestamp: 1662579572000, endTimestamp: 1662579902000 }));
    const seconds = thryveEpochRecordKey(epochPoint({ startTimestamp: 1662579572 }));
    expect(new Set([iso, offsetIso, ms, seconds]).size).toBe(1);
  });

  it('keys epoch points by source, third party, data type, start and generation type only', () => {
    const key = thryveEpochRecordKey(epochPoint());
    expect(key).toBe(JSON.stringify([5, 1, 1000, 1662579572000, 'MANUAL_ENTRY']));
    // Changes Thryve reports as updates of the same point keep the key.
    expect(thryveEpochRecordKey(epochPoint({ value: '60.0', endTimestamp: '2022-09-07T19:46:00Z' }))).toBe(key);
    // Each identity part changes it.
    const variants = [
      epochPoint({}, 1),
      epochPoint({ dataTypeId: 3000 }),
      epochPoint({ startTimestamp: '2022-09-07T19:39:33Z' }),
      epochPoint({ additionalDetails: { thirdPartyDataSourceId: 2, generationType: 'MANUAL_ENTRY' } }),
      epochPoint({ additionalDetails: { thirdPartyDataSourceId: 1, generationType: 'AUTOMATED_MEASUREMENT' } }),
      epochPoint({ additionalDetails: undefined }),
    ].map(thryveEpochRecordKey);
    expect(new Set([key, ...variants]).size).toBe(variants.length + 1);
  });

  it('keeps absent identity parts apart from present ones that look alike', () => {
    const absent = thryveEpochRecordKey(epochPoint({ additionalDetails: {} }));
    expect(absent).toBe(JSON.stringify([5, null, 1000, 1662579572000, null]));
    expect(thryveEpochRecordKey(epochPoint({ additionalDetails: { generationType: 'null' } }))).not.toBe(absent);
  });

  it('gives the ISO and unix forms of one day the same daily key', () => {
    const keys = [
      dailyPoint('2022-09-07'),
      dailyPoint('2022-09-07T00:00:00Z'),
      dailyPoint(1662508800000),
      dailyPoint(1662508800),
      dailyPoint('2022-09-07T00:00:00+02:00', 2000, 120),
      dailyPoint(Date.UTC(2022, 8, 6, 22), 2000, 120),
    ].map(thryveDailyRecordKey);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toBe(JSON.stringify([5, 2000, '2022-09-07']));
    expect(thryveDailyRecordKey(dailyPoint('2022-09-08'))).not.toBe(keys[0]);
  });

  it('gives epoch and daily points with the same data type id different kinds', () => {
    // 2000 is SleepStateBinary in epoch data but SleepDuration in daily data.
    const epoch = thryveEpochRecordRef(USER, epochPoint({ dataTypeId: 2000 }));
    const daily = thryveDailyRecordRef(USER, dailyPoint('2022-09-07', 2000));
    expect(epoch.kind).toBe(THRYVE_RECORD_KINDS.epoch);
    expect(daily.kind).toBe(THRYVE_RECORD_KINDS.daily);
    expect(epoch.kind).not.toBe(daily.kind);
  });

  it('versions records by creationTimestamp in epoch milliseconds and keeps the raw point', () => {
    const point = epochPoint();
    expect(thryveEpochRecordRef(USER, point)).toEqual({
      kind: 'thryve.epoch',
      userId: USER,
      key: JSON.stringify([5, 1, 1000, 1662579572000, 'MANUAL_ENTRY']),
      version: Date.UTC(2022, 8, 7, 19, 45, 5),
      data: point.raw,
    });
    expect(thryveDailyRecordRef(USER, dailyPoint('2022-09-07')).version).toBe(1662610351000);
    expect(thryveEpochRecordRef(USER, epochPoint({ additionalDetails: undefined })).version).toBeUndefined();
    expect(thryveEpochRecordRef(USER, epochPoint({ additionalDetails: { generationType: 'MANUAL_ENTRY' } })).version).toBeUndefined();
  });

  it('writes keys exactly as JSON.stringify of the identity parts would', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 10 }), fc.constantFrom('MANUAL_ENTRY', 'a"b', '\\', '\u0000', '\ud800'));
    const id = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -0, 1e21, 2 ** 53, -(2 ** 53) + 1, Number.MAX_VALUE));
    fc.assert(
      fc.property(id, id, fc.option(id, { nil: undefined }), fc.option(text, { nil: undefined }), fc.integer({ min: 0, max: 99_999_999_999 }), (source, type, third, generation, seconds) => {
        const point = epochPoint({ dataTypeId: type, startTimestamp: seconds, additionalDetails: { thirdPartyDataSourceId: third, generationType: generation } }, source);
        expect(thryveEpochRecordKey(point)).toBe(JSON.stringify([source, third ?? null, type, seconds * 1000, generation ?? null]));
        const day = dailyPoint('2022-09-07', type);
        expect(thryveDailyRecordKey(day)).toBe(JSON.stringify([5, type, '2022-09-07']));
      }),
      { numRuns: 2_000 },
    );
  });

  it('keys a thirdPartyDataSourceId sent as a digit string like the number', () => {
    const asNumber = epochPoint({ additionalDetails: { thirdPartyDataSourceId: 1 } });
    const asString = epochPoint({ additionalDetails: { thirdPartyDataSourceId: '1' as unknown as number } });
    expect(thryveEpochRecordKey(asString)).toBe(thryveEpochRecordKey(asNumber));
  });

  it('versions a point by its createdAt, the creationTimestamp already read', () => {
    const point = epochPoint({ additionalDetails: { creationTimestamp: '2022-09-07T21:45:05+02:00' } });
    expect(point.createdAt).toEqual(new Date('2022-09-07T19:45:05Z'));
    expect(thryvePointVersion(point)).toBe(Date.parse('2022-09-07T19:45:05Z'));
    expect(thryvePointVersion(epochPoint({ additionalDetails: undefined }))).toBeUndefined();
  });

  it('versions a point without a creationTimestamp by the receipt of its delivery, so it replaces one stored with details', () => {
    const receivedAtMs = Date.parse('2022-09-08T06:00:00Z');
    const withDetails = epochPoint({ additionalDetails: { creationTimestamp: '2022-09-07T21:45:05+02:00' } });
    expect(thryvePointVersion(withDetails, receivedAtMs)).toBe(Date.parse('2022-09-07T19:45:05Z'));
    const detailsOff = epochPoint({ additionalDetails: undefined });
    expect(thryvePointVersion(detailsOff, receivedAtMs)).toBe(receivedAtMs);
    expect(thryveEpochRecordRef(USER, detailsOff, receivedAtMs).version).toBe(receivedAtMs);
  });
});
