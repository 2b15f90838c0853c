import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { EventContext } from '../../../src/providers/provider-definition.js';
import { THRYVE_EVENT_TYPES, type ThryveEventType } from '../../../src/providers/thryve/event-types.js';
import type { ThryveEpochDataSource } from '../../../src/providers/thryve/payload-types.js';
import { thryveProvider } from '../../../src/providers/thryve/provider.js';
import { thryveSamples } from '../../../src/providers/thryve/samples.js';
import type { ThryveEventMap } from '../../../src/providers/thryve/types.js';

const RECEIVED_AT = new Date('2022-09-07T19:45:06Z');
const USER = thryveSamples['event.data.epoch.create']().endUserId;
const SAMPLE_EPOCH_POINT = (thryveSamples['event.data.epoch.create']().data as ThryveEpochDataSource).epochData[0];

function eventOf<Type extends ThryveEventType>(type: Type, payload: unknown = thryveSamples[type]()): ThryveEventMap[Type] {
  const eventType = thryveProvider.eventTypeOf(payload);
  expect(eventType).toBe(type);
  expect(thryveProvider.validator.validate(type, payload)).toEqual({ valid: true });
  const context: EventContext = { type, payload, deliveryKey: 'thryve:sha256:abc', receivedAt: RECEIVED_AT };
  const event = thryveProvider.toEvent(context);
  expect(event.type).toBe(type);
  return event as ThryveEventMap[Type];
}

describe('thryveProvider', () => {
  it('is the thryve provider and validates every known type', () => {
    expect(thryveProvider.name).toBe('thryve');
    for (const type of THRYVE_EVENT_TYPES) expect(thryveProvider.validator.has(type)).toBe(true);
    expect(thryveProvider.validator.has('event.data.measurement.create')).toBe(false);
  });

  describe('eventTypeOf', () => {
    it('reads the type string, unknown ones included', () => {
      expect(thryveProvider.eventTypeOf({ type: 'event.data.daily.update', data: {} })).toBe('event.data.daily.update');
      expect(thryveProvider.eventTypeOf({ type: 'event.data.measurement.create' })).toBe('event.data.measurement.create');
    });

    it('resolves the webhook.source.* spelling to notification.source.*', () => {
      expect(thryveProvider.eventTypeOf({ type: 'webhook.source.connect' })).toBe('notification.source.connect');
      expect(thryveProvider.eventTypeOf({ type: 'webhook.source.disconnect' })).toBe('notification.source.disconnect');
    });

    it('names the legacy format legacy.sourceUpdate', () => {
      expect(thryveProvider.eventTypeOf(thryveSamples['legacy.sourceUpdate']())).toBe('legacy.sourceUpdate');
      expect(thryveProvider.eventTypeOf({ sourceUpdate: {} })).toBe('legacy.sourceUpdate');
    });

    it.each([
      null,
      undefined,
      'event.data.epoch.create',
      42,
      [],
      [{ type: 'event.data.epoch.create' }],
      {},
      { type: '' },
      { type: 7 },
      { type: null, sourceUpdate: {} },
      { sourceUpdate: 'x' },
      { sourceUpdate: [] },
      { sourceUpdate: null },
    ])('gives undefined for %j', (payload) => {
      expect(thryveProvider.eventTypeOf(payload)).toBeUndefined();
    });
  });

  describe('toEvent', () => {
    it('builds an epoch data event with flattened, normalised points and their records', () => {
      const event = eventOf('event.data.epoch.create');
      expect(event).toMatchObject({
        provider: 'thryve',
        type: 'event.data.epoch.create',
        deliveryKey: 'thryve:sha256:abc',
        receivedAt: RECEIVED_AT,
        endUserId: USER,
        endUserAlias: 'user-4711',
      });
      expect(event.points).toHaveLength(3);
      const [steps, heartRate, rr] = event.points;
      expect(steps).toEqual({
        dataSourceId: 5,
        dataSourceName: 'Apple',
        dataTypeId: 1000,
        value: '53.0',
        numericValue: 53,
        start: new Date('2022-09-07T19:39:32Z'),
        end: new Date('2022-09-07T19:45:02Z'),
        timezoneOffset: 120,
        details: SAMPLE_EPOCH_POINT?.additionalDetails,
        createdAt: new Date('2022-09-07T19:45:05Z'),
        raw: SAMPLE_EPOCH_POINT,
      });
      expect(heartRate?.numericValue).toBe(87);
      expect(rr).toMatchObject({ dataTypeId: 3029, value: '690,702,688', numericValue: undefined });
      expect(event.records.map((record) => record.kind)).toEqual(['thryve.epoch', 'thryve.epoch', 'thryve.epoch']);
      expect(event.records[0]).toMatchObject({ userId: USER, version: Date.parse('2022-09-07T19:45:05Z'), data: steps?.raw });
    });

    it('gives the ISO and unix deliveries of the same data the same points and records', () => {
      const iso = eventOf('event.data.epoch.update');
      const unix = eventOf('event.data.epoch.update', thryveSamples['event.data.epoch.update']({ timestampType: 'unix' }));
      const strip = (event: typeof iso) => event.points.map(({ raw: _raw, details: _details, ...point }) => point);
      expect(strip(unix)).toEqual(strip(iso));
      expect(unix.records.map(({ key, version }) => ({ key, version }))).toEqual(iso.records.map(({ key, version }) => ({ key, version })));
    });

    it('flattens array data over all data sources, in order, and stringifies numeric values', () => {
      const sample = thryveSamples['event.data.epoch.create']();
      const payload = {
        ...sample,
        data: [
          sample.data,
          { dataSourceId: 2, epochData: [{ startTimestamp: 1662579600, dataTypeId: 3000, value: 64 }] },
          { dataSourceId: 1, dataSourceName: 'Fitbit', epochData: [] },
        ],
      };
      const event = eventOf('event.data.epoch.create', payload);
      expect(event.points.map((point) => [point.dataSourceId, point.dataTypeId])).toEqual([
        [5, 1000],
        [5, 3000],
        [5, 3029],
        [2, 3000],
      ]);
      expect(event.points[3]).toMatchObject({
        dataSourceName: undefined,
        value: '64',
        numericValue: 64,
        start: new Date('2022-09-07T19:40:00Z'),
        end: undefined,
        details: undefined,
        createdAt: undefined,
      });
      // No creationTimestamp: versioned by the delivery's receipt.
      expect(event.records[3]?.version).toBe(event.receivedAt.getTime());
    });

    it('gives a point without a value (absent or null) no value text, not "undefined" or "null"', () => {
      const sample = thryveSamples['event.data.epoch.create']();
      const source = Array.isArray(sample.data) ? sample.data[0]! : sample.data;
      const [first, ...others] = source.epochData;
      const data = { ...source, epochData: [{ ...first!, value: null }, { ...first!, value: undefined }, ...others] };
      const payload = { ...sample, data: JSON.parse(JSON.stringify(data)) as typeof data };
      const context: EventContext = { type: 'event.data.epoch.create', payload, deliveryKey: 'k', receivedAt: new Date() };
      const event = thryveProvider.toEvent(context) as ThryveEventMap['event.data.epoch.create'];
      expect(event.points[0]).toMatchObject({ value: undefined, numericValue: undefined });
      expect(event.points[1]).toMatchObject({ value: undefined, numericValue: undefined });
    });

    it('builds a daily data event with days and daily records', () => {
      const event = eventOf('event.data.daily.create');
      expect(event.points.map((point) => [point.dataTypeId, point.day, point.numericValue])).toEqual([
        [1000, '2022-09-07', 8042],
        [2000, '2022-09-07', 412],
        [3001, '2022-09-07', 58],
      ]);
      expect(event.records.map((record) => record.key)).toEqual([
        JSON.stringify([1, 1000, '2022-09-07']),
        JSON.stringify([1, 2000, '2022-09-07']),
        JSON.stringify([1, 3001, '2022-09-07']),
      ]);
      expect(event.records.every((record) => record.kind === 'thryve.daily' && record.userId === USER)).toBe(true);
      const unix = eventOf('event.data.daily.update', thryveSamples['event.data.daily.update']({ timestampType: 'UNIX' }));
      expect(unix.records.map((record) => record.key)).toEqual(event.records.map((record) => record.key));
    });

    it('builds connection events, for either spelling of the type', () => {
      const connect = eventOf('notification.source.connect');
      expect(connect).toMatchObject({ dataSourceId: 1, occurredAt: new Date('2022-09-07T17:40:00Z'), records: [], endUserId: USER });
      const aliased = eventOf('notification.source.disconnect', { ...thryveSamples['notification.source.disconnect'](), type: 'webhook.source.disconnect' });
      expect(aliased.type).toBe('notification.source.disconnect');
      expect(aliased.payload.type).toBe('webhook.source.disconnect');
      const untimed = eventOf('notification.source.connect', { ...connect.payload, endUserAlias: undefined, data: { dataSourceId: 2 } });
      expect(untimed).toMatchObject({ occurredAt: undefined, endUserAlias: undefined, dataSourceId: 2 });
    });

    it('builds data notification events with normalised ranges and no records', () => {
      const epoch = eventOf('notification.data.epoch.createupdate', thryveSamples['notification.data.epoch.createupdate']({ timestampType: 'unix' }));
      expect(epoch).toMatchObject({
        dataSourceId: 5,
        dataTypeIds: [1000, 3000, 3029],
        start: new Date('2022-09-07T19:39:32Z'),
        end: new Date('2022-09-07T19:45:02Z'),
        records: [],
      });
      const daily = eventOf('notification.data.daily.createupdate', thryveSamples['notification.data.daily.createupdate']({ timestampType: 'unix' }));
      expect(daily).toMatchObject({ dataSourceId: 1, startDay: '2022-09-06', endDay: '2022-09-07', records: [] });
      expect(eventOf('notification.data.daily.createupdate')).toMatchObject({ startDay: '2022-09-06', endDay: '2022-09-07' });
    });

    it('builds the legacy event from sourceUpdate', () => {
      const event = eventOf('legacy.sourceUpdate');
      expect(event).toMatchObject({
        type: 'legacy.sourceUpdate',
        endUserId: USER,
        endUserAlias: 'user-4711',
        dataSourceId: 1,
        connectionStatus: undefined,
        epoch: { start: new Date('2020-02-26T12:38:00Z'), end: new Date('2020-02-26T16:55:00Z'), dataTypeIds: [1012, 3000, 3100] },
        daily: { startDay: '2020-02-26', endDay: '2020-02-26', dataTypeIds: [2000, 2001, 2002, 2003] },
        records: [],
      });
      const bare = eventOf('legacy.sourceUpdate', { sourceUpdate: { authenticationToken: 't', dataSource: 8, connectionStatus: 'DELETED' } });
      expect(bare).toMatchObject({ endUserId: 't', endUserAlias: undefined, connectionStatus: 'DELETED', epoch: undefined, daily: undefined });
      const unixOnly = eventOf('legacy.sourceUpdate', {
        sourceUpdate: { authenticationToken: 't', dataSource: 8, '/v5/dailyDynamicValues': { startTimestampUnix: 1582675200000 } },
      });
      expect(unixOnly.daily).toEqual({ startDay: '2020-02-26', endDay: undefined, dataTypeIds: [] });
    });

    it('refuses a type that is not Thryve’s', () => {
      const context = { type: 'event.data.measurement.create', payload: {}, deliveryKey: 'k', receivedAt: RECEIVED_AT };
      expect(() => thryveProvider.toEvent(context)).toThrow(/Not a Thryve event type/);
    });

    it('leaves unreadable notification ranges undefined rather than inventing dates (the gate does not require them)', () => {
      const payload = { ...thryveSamples['notification.data.epoch.createupdate'](), data: { dataSourceId: '5', dataTypeIds: ['1000', 'x'] } };
      expect(thryveProvider.validator.validate('notification.data.epoch.createupdate', payload).valid).toBe(true);
      const context = { type: 'notification.data.epoch.createupdate', payload, deliveryKey: 'k', receivedAt: RECEIVED_AT };
      expect(thryveProvider.toEvent(context)).toMatchObject({ start: undefined, end: undefined, dataSourceId: 5, dataTypeIds: [1000] });
    });

    it('accepts a legacy trigger whose dataSource is the string "8" (issue 9)', () => {
      const legacy = thryveSamples['legacy.sourceUpdate']();
      const payload = { sourceUpdate: { ...legacy.sourceUpdate, dataSource: '8' } };
      expect(thryveProvider.validator.validate('legacy.sourceUpdate', payload)).toEqual({ valid: true, drift: undefined });
      const context = { type: 'legacy.sourceUpdate', payload, deliveryKey: 'k', receivedAt: RECEIVED_AT };
      expect(thryveProvider.toEvent(context)).toMatchObject({ dataSourceId: 8 });
    });
  });

  describe('points and records, computed on first access', () => {
    it('are computed once and kept', () => {
      for (const type of ['event.data.epoch.create', 'event.data.daily.update'] as const) {
        const event = eventOf(type);
        const points = event.points;
        expect(event.points).toBe(points);
        expect(event.records).toBe(event.records);
        expect(event.records.map((record) => record.data)).toEqual(points.map((point) => point.raw));
      }
    });

    it('are computed from the payload whichever is read first', () => {
      const recordsFirst = eventOf('event.data.epoch.create');
      const records = recordsFirst.records;
      expect(recordsFirst.points.map((point) => point.raw)).toEqual(records.map((record) => record.data));
      expect(records).toEqual(eventOf('event.data.epoch.create').records);
    });

    it('are in JSON.stringify and console output, with the own fields, as before', () => {
      const event = eventOf('event.data.epoch.create');
      const json = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
      expect(Object.keys(json)).toEqual(['provider', 'type', 'deliveryKey', 'receivedAt', 'endUserId', 'endUserAlias', 'payload', 'points', 'records']);
      expect(json).toEqual(JSON.parse(JSON.stringify({ ...event, points: event.points, records: event.records })));
      const shown = inspect(eventOf('event.data.daily.create'), { depth: 0 });
      expect(shown).toMatch(/points: \[Array\]/);
      expect(shown).toMatch(/records: \[Array\]/);
    });

    it('are getters, not own properties (documented in LazyEvent)', () => {
      const event = eventOf('event.data.epoch.create');
      expect(Object.keys(event)).not.toContain('points');
      expect('points' in event && 'records' in event).toBe(true);
      expect({ ...event }).not.toHaveProperty('records');
    });
  });
});
