import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClientFacingCholesterolTimeseries, ClientFacingSource, GroupedHeartRate } from '../../../src/providers/vital/generated/types.js';
import {
  vitalEntityRecordRef,
  vitalSummaryKey,
  vitalSummaryKind,
  vitalSummaryRecordRef,
  vitalSummaryVersion,
  vitalTimeseriesKind,
  vitalTimeseriesRecordRefs,
  vitalTimeseriesSampleKey,
} from '../../../src/providers/vital/record-keys.js';
import { vitalSamples } from '../../../src/providers/vital/samples.js';
import { vitalEpochMs } from '../../../src/providers/vital/timestamps.js';

const USER = 'vital-user-1';
const watch: ClientFacingSource = { provider: 'apple_health_kit', type: 'watch' };

function heartRate(timestamp: string, value = 72) {
  return { unit: 'bpm', timestamp, value };
}

function keyOf(source: ClientFacingSource, sample: Parameters<typeof vitalTimeseriesSampleKey>[1]) {
  return vitalTimeseriesSampleKey(source, sample);
}

describe('Vital summary keys', () => {
  it('keys each summary resource by data.id and versions it by updated_at', () => {
    const resources = ['activity', 'sleep', 'sleep_cycle', 'workouts', 'body', 'meal', 'menstrual_cycle', 'electrocardiogram', 'profile'] as const;
    for (const resource of resources) {
      const summary = vitalSamples[`daily.data.${resource}.created`]().data;
      const record = vitalSummaryRecordRef(resource, USER, summary);
      expect(record, resource).toEqual({
        kind: `vital.${resource}`,
        userId: USER,
        key: summary.id,
        version: Date.parse('2024-05-01T08:00:00Z'),
        data: summary,
      });
    }
  });

  it('ranks a later update of the same summary above an earlier one', () => {
    const created = vitalSamples['daily.data.sleep.created']().data;
    const updated = { ...created, score: 86, updated_at: '2024-05-01T09:30:00.123456+00:00' };
    expect(vitalSummaryKey(updated)).toBe(vitalSummaryKey(created));
    expect(vitalSummaryVersion(updated)).toBe(Date.parse('2024-05-01T09:30:00.123Z'));
    expect(vitalSummaryVersion(updated)! > vitalSummaryVersion(created)!).toBe(true);
    const other = vitalSamples['daily.data.sleep.created']({}).data;
    expect(vitalSummaryKey({ ...other, id: 'another-night' })).not.toBe(vitalSummaryKey(created));
  });

  it('keys a workout stream by its workout and gives it no version', () => {
    const stream = vitalSamples['daily.data.workout_stream.updated']().data;
    expect(vitalSummaryKey(stream)).toBe(stream.workout_id);
    expect(vitalSummaryVersion(stream)).toBeUndefined();
    expect(vitalSummaryKind('workout_stream')).toBe('vital.workout_stream');
  });

  it('keys other entities by id, versioned only when they carry updated_at', () => {
    expect(vitalEntityRecordRef('vital.device', USER, { id: 'd1' })).toEqual({ kind: 'vital.device', userId: USER, key: 'd1', version: undefined, data: { id: 'd1' } });
    expect(vitalEntityRecordRef('vital.labtest.order', USER, { id: 'o1', updated_at: '2024-05-01T08:00:00+00:00' }).version).toBe(
      Date.parse('2024-05-01T08:00:00Z'),
    );
  });
});

describe('Vital timeseries keys', () => {
  it('gives two samples differing only in timestamp different keys', () => {
    expect(keyOf(watch, heartRate('2024-05-01T08:00:00+00:00'))).not.toBe(keyOf(watch, heartRate('2024-05-01T08:00:01+00:00')));
  });

  it('gives the same sample re-sent, or re-sent with a new value, the same key', () => {
    const key = keyOf(watch, heartRate('2024-05-01T08:00:00+00:00'));
    expect(keyOf({ ...watch }, heartRate('2024-05-01T08:00:00+00:00'))).toBe(key);
    expect(keyOf(watch, heartRate('2024-05-01T08:00:00+00:00', 75))).toBe(key);
    // One instant, spelled differently.
    expect(keyOf(watch, heartRate('2024-05-01T08:00:00Z'))).toBe(key);
    expect(keyOf(watch, heartRate('2024-05-01T10:00:00.000000+02:00'))).toBe(key);
    // Fields that are not identity: the app, a deprecated id, the offset.
    expect(keyOf({ ...watch, app_id: 'com.other' }, { ...heartRate('2024-05-01T08:00:00+00:00'), id: 7, timezone_offset: 3600 })).toBe(key);
  });

  it('tells apart samples from another provider or source type', () => {
    const key = keyOf(watch, heartRate('2024-05-01T08:00:00+00:00'));
    expect(keyOf({ ...watch, provider: 'fitbit' }, heartRate('2024-05-01T08:00:00+00:00'))).not.toBe(key);
    expect(keyOf({ ...watch, type: 'phone' }, heartRate('2024-05-01T08:00:00+00:00'))).not.toBe(key);
  });

  it('reads a missing source type as unknown, as Vital documents', () => {
    const sample = heartRate('2024-05-01T08:00:00+00:00');
    expect(keyOf({ provider: 'oura' }, sample)).toBe(keyOf({ provider: 'oura', type: 'unknown' }, sample));
  });

  it('tells apart readings of different types at one timestamp', () => {
    const reading = (type: string): ClientFacingCholesterolTimeseries => ({ type, unit: 'mmol/L', timestamp: '2024-05-01T08:00:00+00:00', value: 2 });
    const lab: ClientFacingSource = { provider: 'manual', type: 'lab' };
    expect(keyOf(lab, reading('ldl'))).not.toBe(keyOf(lab, reading('hdl')));
    expect(keyOf(lab, reading('ldl'))).toBe(keyOf(lab, { ...reading('ldl'), value: 3 }));
  });

  it('builds versionless records of kind vital.timeseries.<resource>, one per sample', () => {
    const group: GroupedHeartRate = {
      source: watch,
      data: [heartRate('2024-05-01T08:00:00+00:00'), heartRate('2024-05-01T08:01:00+00:00'), heartRate('2024-05-01T08:00:00+00:00', 80)],
    };
    const records = vitalTimeseriesRecordRefs('heartrate', USER, group);
    expect(records.map(({ kind, userId, version }) => ({ kind, userId, version }))).toEqual(
      Array(3).fill({ kind: 'vital.timeseries.heartrate', userId: USER, version: undefined }),
    );
    expect(records.map((record) => record.data)).toEqual(group.data);
    // The repeat of the first sample shares its key: the store keeps the later one.
    expect(records[2]?.key).toBe(records[0]?.key);
    expect(records[1]?.key).not.toBe(records[0]?.key);
    expect(vitalTimeseriesKind('blood_pressure')).toBe('vital.timeseries.blood_pressure');
  });

  it('keeps an unreadable timestamp as written rather than dropping it', () => {
    expect(JSON.parse(keyOf(watch, heartRate('yesterday')))).toEqual(['apple_health_kit', 'watch', null, 'yesterday']);
  });
});

describe('Vital timeseries keys, written without JSON.stringify of an array', () => {
  // Strings that JSON must escape (quotes, backslashes, control characters, lone surrogates) or not
  // (non-ASCII, U+2028), numbers of every size, and the absent and null parts.
  const part = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.constantFrom('watch', 'a"b', 'a\\b', '\n', '\u2028', '\ud800', '\udc00x', '\ud83d\ude00', 'ü'),
    fc.constant(undefined),
  );
  const timestamp = fc.oneof(
    fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((date) => date.toISOString()),
    fc.integer({ min: -1e15, max: 1e15 }).map((ms) => new Date(ms).toISOString().replace('Z', '+00:00')),
    fc.constantFrom('2024-05-01T08:00:00', 'not a time', ''),
  );

  it('gives vitalTimeseriesRecordRefs and vitalTimeseriesSampleKey the key JSON.stringify gives', () => {
    fc.assert(
      fc.property(part, part, fc.array(fc.tuple(part, timestamp), { maxLength: 5 }), (provider, type, samples) => {
        const source = { provider: provider ?? 'oura', type } as ClientFacingSource;
        const group = { source, data: samples.map(([sampleType, at]) => ({ type: sampleType, timestamp: at, unit: 'bpm', value: 1 })) };
        const records = vitalTimeseriesRecordRefs('heartrate', USER, group as unknown as GroupedHeartRate);
        expect(records.map((record) => record.key)).toEqual(
          group.data.map((sample) => JSON.stringify([source.provider, source.type ?? 'unknown', sample.type ?? null, vitalEpochMs(sample.timestamp) ?? sample.timestamp])),
        );
        for (const [i, record] of records.entries()) expect(record.key).toBe(keyOf(source, group.data[i] as Parameters<typeof keyOf>[1]));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('vitalEpochMs', () => {
  it('reads offsets, fractions and offsetless times as UTC', () => {
    expect(vitalEpochMs('2023-02-13T14:30:52+00:00')).toBe(Date.parse('2023-02-13T14:30:52Z'));
    expect(vitalEpochMs('2023-02-13T14:30:52')).toBe(Date.parse('2023-02-13T14:30:52Z'));
    expect(vitalEpochMs('2026-08-19T09:24:50.138229+00:00')).toBe(Date.parse('2026-08-19T09:24:50.138Z'));
    for (const bad of ['', 'soon', 1, null, undefined]) expect(vitalEpochMs(bad)).toBeUndefined();
  });
});
