import { describe, expect, it } from 'vitest';
import type { RecordRef } from '../../../src/events/webhook-event.js';
import type { EventContext } from '../../../src/providers/provider-definition.js';
import {
  VITAL_EVENT_TYPES,
  VITAL_SUMMARY_RESOURCES,
  VITAL_USERLESS_EVENT_TYPES,
  isVitalSummaryResource,
  vitalResourceOf,
  type VitalEventType,
} from '../../../src/providers/vital/event-types.js';
import { vitalProvider } from '../../../src/providers/vital/provider.js';
import { VITAL_SAMPLE_USER, vitalSamples } from '../../../src/providers/vital/samples.js';
import type { VitalEventMap } from '../../../src/providers/vital/types.js';

const RECEIVED_AT = new Date('2024-05-01T08:05:00Z');
const DELIVERY_KEY = 'vital:msg_2fXkq0sN8cV1';
const USER_ID = VITAL_SAMPLE_USER.user_id;

function eventOf<Type extends VitalEventType>(type: Type, payload: unknown = vitalSamples[type]()): VitalEventMap[Type] {
  expect(vitalProvider.eventTypeOf(payload)).toBe(type);
  expect(vitalProvider.validator.validate(type, payload)).toEqual({ valid: true, drift: undefined });
  const context: EventContext = { type, payload, deliveryKey: DELIVERY_KEY, receivedAt: RECEIVED_AT };
  const event = vitalProvider.toEvent(context);
  expect(event).toMatchObject({ provider: 'vital', type, deliveryKey: DELIVERY_KEY, receivedAt: RECEIVED_AT, payload, drift: undefined });
  return event as VitalEventMap[Type];
}

describe('vitalProvider and issue 9', () => {
  it('routes by data.user_id when the top-level ids are missing', () => {
    const { user_id: _user, client_user_id: _client, team_id: _team, ...payload } = vitalSamples['labtest.order.created']();
    const withDataUser = { ...payload, data: { ...payload.data, user_id: 'user-in-data' } };
    const event = eventOf('labtest.order.created', withDataUser);
    expect(event).toMatchObject({ userId: 'user-in-data', clientUserId: undefined, teamId: undefined });
    expect(event.records[0]?.userId).toBe('user-in-data');
    // With neither, there is no user to file records under: quarantined.
    expect(vitalProvider.validator.validate('labtest.order.created', payload).valid).toBe(false);
  });

  it('keys timeseries samples by the deprecated source.slug when source.provider is absent', () => {
    const sample = vitalSamples['daily.data.heartrate.created']();
    const { provider, ...source } = sample.data.source;
    const bySlug = eventOf('daily.data.heartrate.created', { ...sample, data: { ...sample.data, source: { ...source, slug: provider } } });
    expect(bySlug.records.map((record) => record.key)).toEqual(eventOf('daily.data.heartrate.created', sample).records.map((record) => record.key));
    const { slug: _slug, ...neither } = source as typeof source & { slug?: string };
    expect(vitalProvider.validator.validate('daily.data.heartrate.created', { ...sample, data: { ...sample.data, source: neither } }).valid).toBe(false);
  });

  it("types Svix's message.attempt.exhausted, which names its type in `type`", () => {
    const exhausted = vitalSamples['message.attempt.exhausted']();
    expect(vitalProvider.eventTypeOf({ type: 'some.other.type' })).toBeUndefined();
    const event = eventOf('message.attempt.exhausted', exhausted);
    expect(event).toMatchObject({ type: 'message.attempt.exhausted', records: [], teamId: undefined });
    expect(event).not.toHaveProperty('userId');
  });
});

/** What kind of records each sample must give, by event type. */
function expectedRecords(type: VitalEventType, payload: { readonly data: unknown }): { kind: string; count: number } | undefined {
  const resource = vitalResourceOf(type);
  if (type.startsWith('daily.data.') && resource !== undefined) {
    if (isVitalSummaryResource(resource)) return { kind: `vital.${resource}`, count: 1 };
    return { kind: `vital.timeseries.${resource}`, count: (payload.data as { data: unknown[] }).data.length };
  }
  if (type.startsWith('provider.device.')) return { kind: 'vital.device', count: 1 };
  if (type.startsWith('labtest.order.')) return { kind: 'vital.labtest.order', count: 1 };
  if (type.startsWith('labtest.appointment.')) return { kind: 'vital.labtest.appointment', count: 1 };
  return undefined;
}

describe('vitalProvider', () => {
  it('is the vital provider and validates every known type', () => {
    expect(vitalProvider.name).toBe('vital');
    // Junction's 194 and Svix's message.attempt.exhausted.
    expect(VITAL_EVENT_TYPES).toHaveLength(195);
    for (const type of VITAL_EVENT_TYPES) expect(vitalProvider.validator.has(type)).toBe(true);
    expect(vitalProvider.validator.has('message.attempt.failing')).toBe(false);
  });

  describe('eventTypeOf', () => {
    it('reads `event_type` as sent, unknown ones included', () => {
      expect(vitalProvider.eventTypeOf({ event_type: 'daily.data.sleep.created', data: {} })).toBe('daily.data.sleep.created');
      expect(vitalProvider.eventTypeOf({ event_type: 'daily.data.new_thing.created' })).toBe('daily.data.new_thing.created');
    });

    it.each([null, undefined, 'daily.data.sleep.created', 42, [], [{ event_type: 'x' }], {}, { event_type: '' }, { event_type: 3 }, { type: 'daily.data.sleep.created' }])(
      'gives undefined for %j',
      (payload) => {
        expect(vitalProvider.eventTypeOf(payload)).toBeUndefined();
      },
    );
  });

  describe('toEvent', () => {
    it.each([...VITAL_EVENT_TYPES])('%s: the sample validates and gives its typed event and records', (type) => {
      const payload = vitalSamples[type]();
      const event = eventOf(type, payload);
      const expected = expectedRecords(type, payload as { data: unknown });
      if (expected === undefined) {
        expect(event.records).toEqual([]);
      } else {
        expect(event.records).toHaveLength(expected.count);
        for (const record of event.records) expect(record).toMatchObject({ kind: expected.kind, userId: USER_ID });
      }
      if ((VITAL_USERLESS_EVENT_TYPES as readonly string[]).includes(type)) {
        expect(event).not.toHaveProperty('userId');
        expect(event).not.toHaveProperty('clientUserId');
      } else {
        expect(event).toMatchObject({ userId: USER_ID, clientUserId: 'patient-8842' });
      }
    });

    it('builds summary events around the summary, keyed by id and versioned by updated_at', () => {
      const payload = vitalSamples['daily.data.sleep.updated']();
      const event = eventOf('daily.data.sleep.updated', payload);
      expect(event).toMatchObject({ resource: 'sleep', summary: payload.data });
      expect(event.records).toEqual<RecordRef[]>([
        { kind: 'vital.sleep', userId: USER_ID, key: payload.data.id, version: Date.parse(payload.data.updated_at ?? ''), data: payload.data },
      ]);
      for (const resource of VITAL_SUMMARY_RESOURCES) {
        const type = `daily.data.${resource}.created` as const;
        expect(eventOf(type).records[0]?.kind).toBe(`vital.${resource}`);
      }
    });

    it('keys a workout stream by its workout, without a version', () => {
      const payload = vitalSamples['daily.data.workout_stream.created']();
      const [record] = eventOf('daily.data.workout_stream.created', payload).records;
      expect(record).toMatchObject({ kind: 'vital.workout_stream', key: payload.data.workout_id, version: undefined });
    });

    it('builds timeseries events with the source and one record per sample', () => {
      const payload = vitalSamples['daily.data.heartrate.created']();
      const event = eventOf('daily.data.heartrate.created', payload);
      expect(event).toMatchObject({ resource: 'heartrate', source: payload.data.source, samples: payload.data.data });
      expect(event.records.map((record) => record.key)).toEqual([
        JSON.stringify(['apple_health_kit', 'watch', null, Date.parse('2024-05-01T08:00:00Z')]),
        JSON.stringify(['apple_health_kit', 'watch', null, Date.parse('2024-05-01T08:01:00Z')]),
      ]);
      expect(event.records.every((record) => record.kind === 'vital.timeseries.heartrate' && record.version === undefined)).toBe(true);
      expect(event.records[1]?.data).toBe(payload.data.data[1]);
      const empty = eventOf('daily.data.heartrate.updated', { ...vitalSamples['daily.data.heartrate.updated'](), data: { source: { provider: 'oura' }, data: [] } });
      expect(empty.records).toEqual([]);
    });

    it('builds historical notices with the range, the provider and no records', () => {
      const event = eventOf('historical.data.sleep.created');
      expect(event).toMatchObject({
        resource: 'sleep',
        dataProvider: 'oura',
        start: new Date('2024-02-01T00:00:00Z'),
        end: new Date('2024-05-01T00:00:00Z'),
        isFinal: true,
        records: [],
      });
      const sample = vitalSamples['historical.data.workouts.created']();
      const unreadable = eventOf('historical.data.workouts.created', { ...sample, data: { ...sample.data, start_date: 'soon' } });
      expect(unreadable).toMatchObject({ resource: 'workouts', start: undefined, end: new Date('2024-05-01T00:00:00Z') });
    });

    it('builds connection events with the provider and, for errors, the error type', () => {
      expect(eventOf('provider.connection.created')).toMatchObject({ dataProvider: 'oura', records: [] });
      // Some of Vital's examples name the provider `data.source.slug`.
      const created = vitalSamples['provider.connection.created']();
      const { provider: _provider, ...withoutProvider } = created.data as Record<string, unknown>;
      const sourced = { ...created, data: { ...withoutProvider, source: { slug: 'withings' } } };
      const context: EventContext = { type: 'provider.connection.created', payload: sourced, deliveryKey: DELIVERY_KEY, receivedAt: RECEIVED_AT };
      expect(vitalProvider.toEvent(context)).toMatchObject({ dataProvider: 'withings' });
      expect(eventOf('provider.connection.error')).toMatchObject({
        dataProvider: 'oura',
        errorType: 'token_refresh_failed',
        errorMessage: 'The refresh token for this connection was rejected by the provider.',
        records: [],
      });
      const sample = vitalSamples['provider.connection.error']();
      const open = eventOf('provider.connection.error', { ...sample, data: { ...sample.data, error_type: 'provider_rate_limited' } });
      expect(open.errorType).toBe('provider_rate_limited');
    });

    it('keeps device, order and appointment state as records by id', () => {
      const device = vitalSamples['provider.device.updated']();
      expect(eventOf('provider.device.updated', device).records).toEqual([
        { kind: 'vital.device', userId: USER_ID, key: device.data.id, version: undefined, data: device.data },
      ]);
      const order = vitalSamples['labtest.order.updated']();
      expect(eventOf('labtest.order.updated', order).records[0]).toMatchObject({ key: order.data.id, version: Date.parse(order.data.updated_at ?? '') });
      const appointment = vitalSamples['labtest.appointment.created']();
      expect(eventOf('labtest.appointment.created', appointment).records[0]).toMatchObject({ key: appointment.data.id, version: undefined });
    });

    it('builds match reviews without a user', () => {
      const event = eventOf('labtest.match_review.created');
      expect(event).toMatchObject({ teamId: VITAL_SAMPLE_USER.team_id, records: [] });
      expect(Object.keys(event).sort()).toEqual(['deliveryKey', 'drift', 'payload', 'provider', 'receivedAt', 'records', 'teamId', 'type']);
    });

    it('keeps a client_user_id that is not a UUID', () => {
      const payload = vitalSamples['daily.data.steps.created']({ client_user_id: 'customer #42' });
      expect(eventOf('daily.data.steps.created', payload).clientUserId).toBe('customer #42');
    });

    it('refuses a type that is not Vital’s', () => {
      const context = { type: 'message.attempt.failing', payload: {}, deliveryKey: 'k', receivedAt: RECEIVED_AT };
      expect(() => vitalProvider.toEvent(context)).toThrow(/Not a Vital event type/);
    });
  });

  describe('samples', () => {
    it('carry the envelope, name their type and come fresh on every call', () => {
      for (const type of VITAL_EVENT_TYPES) expect(vitalProvider.eventTypeOf(vitalSamples[type]())).toBe(type);
      const sample = vitalSamples['daily.data.activity.created']();
      expect(sample).toMatchObject({ ...VITAL_SAMPLE_USER, data: { user_id: USER_ID, steps: 10412, source: { provider: 'oura' } } });
      sample.data.steps = 0;
      expect(vitalSamples['daily.data.activity.created']().data.steps).toBe(10412);
      const group = vitalSamples['daily.data.glucose.created']();
      group.data.data.length = 0;
      expect(vitalSamples['daily.data.glucose.created']().data.data).toHaveLength(2);
    });

    it('use realistic units and values rather than placeholders', () => {
      const glucose = vitalSamples['daily.data.glucose.created']();
      expect(glucose.data.data[0]).toMatchObject({ unit: 'mmol/L', value: 5.4 });
      expect(vitalSamples['daily.data.blood_pressure.created']().data.data[0]).toMatchObject({ unit: 'mmHg', systolic: 121, diastolic: 78 });
      for (const type of VITAL_EVENT_TYPES) {
        if (!type.startsWith('daily.data.') && !type.startsWith('historical.') && !type.startsWith('provider.')) continue;
        expect(JSON.stringify(vitalSamples[type]()), type).not.toMatch(/"sample(-[a-z-]+)?"/);
      }
    });
  });
});
