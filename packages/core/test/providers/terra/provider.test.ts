import { describe, expect, it } from 'vitest';
import type { RecordRef } from '../../../src/events/webhook-event.js';
import type { IncomingHeaders } from '../../../src/http/webhook-request.js';
import type { EventContext } from '../../../src/providers/provider-definition.js';
import { TERRA_DATA_EVENT_TYPES, TERRA_EVENT_TYPES, type TerraEventType } from '../../../src/providers/terra/event-types.js';
import type { TerraEventContext } from '../../../src/providers/terra/events.js';
import { terraProvider } from '../../../src/providers/terra/provider.js';
import { TERRA_SAMPLE_REFERENCE, TERRA_SAMPLE_USER, TERRA_SAMPLE_VERSION, terraSamples } from '../../../src/providers/terra/samples.js';
import type { TerraEventMap } from '../../../src/providers/terra/types.js';

const RECEIVED_AT = new Date('2024-05-01T07:15:00Z');
const DELIVERY_KEY = 'terra:4f0c2b8e-trace';
const USER_ID = TERRA_SAMPLE_USER.user_id;

function eventOf<Type extends TerraEventType>(
  type: Type,
  payload: unknown = terraSamples[type](),
  headers: IncomingHeaders = {},
): TerraEventMap[Type] {
  expect(terraProvider.eventTypeOf(payload)).toBe(type);
  expect(terraProvider.validator.validate(type, payload)).toEqual({ valid: true, drift: undefined });
  const context: TerraEventContext = {
    type,
    payload,
    deliveryKey: DELIVERY_KEY,
    receivedAt: RECEIVED_AT,
    context: terraProvider.deliveryContext(headers),
  };
  const event = terraProvider.toEvent(context);
  expect(event).toMatchObject({ provider: 'terra', type, deliveryKey: DELIVERY_KEY, receivedAt: RECEIVED_AT, payload });
  return event as TerraEventMap[Type];
}

/** The records every sample is expected to carry: [kind, key] pairs. */
const EXPECTED_RECORDS: { readonly [Type in TerraEventType]: readonly (readonly [string, string])[] } = {
  access_revoked: [],
  activity: [['terra.activity', '123e4567-e89b-12d3-a456-426614174000']],
  athlete: [['terra.athlete', 'athlete']],
  auth: [],
  auth_cancelled: [],
  body: [['terra.body', '2024-05-01']],
  connection_error: [],
  daily: [['terra.daily', '2024-05-01']],
  deauth: [],
  google_no_datasource: [],
  healthcheck: [],
  health_observation: [['terra.health_observation', 'c41f7a2e-0d3b-4b6e-9a85-2f1e7d6c5b40']],
  hormone: [['terra.hormone', String(Date.parse('2024-05-01T06:15:00Z'))]],
  'lab_report.completed': [],
  'lab_report.failed': [],
  large_request_processing: [],
  large_request_sending: [],
  menstruation: [['terra.menstruation', '2024-05-01']],
  nutrition: [['terra.nutrition', '2024-05-01']],
  permission_change: [],
  planned_workout: [['terra.planned_workout', 'e8d7c6b5-a493-4821-b0c9-d8e7f6a5b4c3']],
  processing: [],
  rate_limit_hit: [],
  s3_payload: [],
  s3_upload: [],
  sleep: [['terra.sleep', '7b2c9e4f-3a1d-4e8b-9c6f-5d4e3b2a1f09']],
  user_reauth: [],
};

/** Event types whose payload names no Terra user. */
const USERLESS: readonly TerraEventType[] = [
  'auth_cancelled',
  's3_payload',
  's3_upload',
  'lab_report.completed',
  'lab_report.failed',
  'healthcheck',
  'processing',
  'rate_limit_hit',
  'google_no_datasource',
];

describe('terraProvider', () => {
  it('is the terra provider and validates every known type', () => {
    expect(terraProvider.name).toBe('terra');
    expect(TERRA_EVENT_TYPES).toHaveLength(27);
    for (const type of TERRA_EVENT_TYPES) expect(terraProvider.validator.has(type)).toBe(true);
    // Terra's informational notices are typed events, never unknown.
    for (const type of ['healthcheck', 'processing', 'rate_limit_hit', 'google_no_datasource']) expect(terraProvider.validator.has(type)).toBe(true);
    expect(terraProvider.validator.has('brand_new_notice')).toBe(false);
  });

  describe('the gate (issue 9 cases)', () => {
    it('accepts a deauth whose user.provider is null (Terra SDK signature test), with no data provider', () => {
      const deauth = terraSamples.deauth({ user: { ...TERRA_SAMPLE_USER, provider: null } });
      expect(eventOf('deauth', deauth).dataProvider).toBeUndefined();
    });

    it('accepts a sleep without version (dashboard test data)', () => {
      const { version: _version, ...sleep } = terraSamples.sleep();
      expect(eventOf('sleep', sleep).records).toHaveLength(1);
    });

    it('accepts auth with status "error" and no user', () => {
      const failed = { type: 'auth', status: 'error', message: 'User failed to authenticate', reason: 'access_denied', user: null };
      expect(eventOf('auth', failed)).toMatchObject({ status: 'error', userId: undefined, user: undefined, records: [] });
      // A successful auth still needs its user.
      expect(terraProvider.validator.validate('auth', { type: 'auth', status: 'success' })).toEqual({
        valid: false,
        issues: [{ path: '/', message: 'must have property "user"' }],
      });
    });

    it('quarantines what wearhook needs and cannot find: a user id, an activity summary id', () => {
      expect(terraProvider.validator.validate('sleep', terraSamples.sleep({ user: { provider: 'FITBIT' } as never })).valid).toBe(false);
      const activity = terraSamples.activity();
      const [first] = activity.data;
      const metadata = { ...first?.metadata, summary_id: undefined };
      expect(terraProvider.validator.validate('activity', { ...activity, data: [{ ...first, metadata }] })).toEqual({
        valid: false,
        issues: [{ path: '/data/0/metadata', message: 'must have property "summary_id"' }],
      });
    });

    it('types healthcheck and the other informational notices as events without records', () => {
      const check = eventOf('healthcheck');
      expect(check).toMatchObject({ provider: 'terra', type: 'healthcheck', records: [], drift: undefined });
      expect(eventOf('rate_limit_hit', { type: 'rate_limit_hit' }).records).toEqual([]);
    });
  });

  describe('x-terra-ordering-timestamp', () => {
    const SIGNED_T = 1_714_547_700; // 2024-05-01T07:15:00Z
    const signature = `t=${SIGNED_T},v1=${'0'.repeat(64)}`;

    it('versions the records of the types it orders, in epoch milliseconds', () => {
      const headers = { 'terra-signature': signature, 'x-terra-ordering-timestamp': String(SIGNED_T * 1000 - 5000) };
      for (const record of eventOf('daily', undefined, headers).records) expect(record.version).toBe(SIGNED_T * 1000 - 5000);
      // Seconds are read as seconds; the spec does not order athlete or hormone data.
      const seconds = { 'terra-signature': signature, 'x-terra-ordering-timestamp': String(SIGNED_T - 5) };
      expect(eventOf('sleep', undefined, seconds).records[0]?.version).toBe((SIGNED_T - 5) * 1000);
      expect(eventOf('hormone', undefined, headers).records[0]?.version).toBeUndefined();
    });

    it('is clamped to the signed t plus the tolerance, so an unsigned far-future value cannot freeze a record', () => {
      const future = { 'terra-signature': signature, 'x-terra-ordering-timestamp': String(4_102_444_800_000) };
      expect(eventOf('activity', undefined, future).records[0]?.version).toBe(SIGNED_T * 1000 + 300_000);
    });

    it('is ignored without a signed t or when unreadable', () => {
      expect(eventOf('activity', undefined, { 'x-terra-ordering-timestamp': '1714547700000' }).records[0]?.version).toBeUndefined();
      expect(eventOf('activity', undefined, { 'terra-signature': signature, 'x-terra-ordering-timestamp': 'soon' }).records[0]?.version).toBeUndefined();
    });

    it('is stored in the delivery context as a string with the reference and trace id', () => {
      const headers = { 'terra-signature': signature, 'x-terra-ordering-timestamp': '1714547699000', 'terra-reference': 'r-1', 'x-terra-trace-id': 'tr-1' };
      expect(terraProvider.deliveryContext(headers)).toEqual({ reference: 'r-1', traceId: 'tr-1', version: '1714547699000' });
      expect(terraProvider.deliveryContext({})).toBeUndefined();
    });
  });

  describe('eventTypeOf', () => {
    it('reads `type` as sent, both S3 spellings and unspecified types included', () => {
      expect(terraProvider.eventTypeOf({ type: 'sleep', data: [] })).toBe('sleep');
      expect(terraProvider.eventTypeOf({ type: 's3_payload' })).toBe('s3_payload');
      expect(terraProvider.eventTypeOf({ type: 's3_upload' })).toBe('s3_upload');
      expect(terraProvider.eventTypeOf({ type: 'healthcheck', status: 'success' })).toBe('healthcheck');
      expect(terraProvider.eventTypeOf({ type: 'rate_limit_hit' })).toBe('rate_limit_hit');
      expect(terraProvider.eventTypeOf({ type: 'google_no_datasource' })).toBe('google_no_datasource');
    });

    it.each([null, undefined, 'sleep', 42, [], [{ type: 'sleep' }], {}, { type: '' }, { type: 7 }, { type: null }, { event_type: 'sleep' }])(
      'gives undefined for %j',
      (payload) => {
        expect(terraProvider.eventTypeOf(payload)).toBeUndefined();
      },
    );
  });

  describe('toEvent', () => {
    it.each([...TERRA_EVENT_TYPES])('%s: the sample validates and gives its typed event and records', (type) => {
      const event = eventOf(type);
      expect(event.records.map((record) => [record.kind, record.key])).toEqual(EXPECTED_RECORDS[type]);
      for (const record of event.records) expect(record).toMatchObject({ userId: USER_ID, version: undefined });
      if (USERLESS.includes(type)) {
        expect(event).not.toHaveProperty('userId');
      } else {
        const expectedUser = type === 'user_reauth' ? '9c8b7a65-4321-4fed-a0b9-87c6d5e4f321' : USER_ID;
        expect(event).toMatchObject({ userId: expectedUser, dataProvider: 'FITBIT', referenceId: 'your-user-123' });
      }
    });

    it('builds data events with the user, data provider and one record per item, keeping the items as data', () => {
      const sample = terraSamples.sleep();
      const nap = { ...structuredClone(sample.data[0]), metadata: { ...sample.data[0]!.metadata, summary_id: 'nap-1', is_nap: true } };
      const payload = { ...sample, data: [...sample.data, nap] };
      const event = eventOf('sleep', payload);
      expect(event).toMatchObject({ userId: USER_ID, user: TERRA_SAMPLE_USER, dataProvider: 'FITBIT', referenceId: 'your-user-123', reference: undefined });
      expect(event.records).toEqual<RecordRef[]>([
        { kind: 'terra.sleep', userId: USER_ID, key: '7b2c9e4f-3a1d-4e8b-9c6f-5d4e3b2a1f09', version: undefined, data: payload.data[0] },
        { kind: 'terra.sleep', userId: USER_ID, key: 'nap-1', version: undefined, data: nap },
      ]);
      expect(event.payload.version).toBe(TERRA_SAMPLE_VERSION);
    });

    it('gives every data event type records', () => {
      for (const type of TERRA_DATA_EVENT_TYPES) expect(eventOf(type).records.length, type).toBe(1);
      const empty = eventOf('daily', { ...terraSamples.daily(), data: [] });
      expect(empty.records).toEqual([]);
    });

    it('reads the user without a reference_id as having none', () => {
      const { reference_id: _dropped, ...user } = TERRA_SAMPLE_USER;
      expect(eventOf('activity', terraSamples.activity({ user })).referenceId).toBeUndefined();
      expect(eventOf('activity', terraSamples.activity({ user: { ...user, reference_id: null } })).referenceId).toBeUndefined();
    });

    it('exposes the terra-reference header of a chunk, from the stored delivery context', () => {
      const chunk = eventOf('activity', terraSamples.activity(), { 'terra-reference': TERRA_SAMPLE_REFERENCE });
      expect(chunk.reference).toBe(TERRA_SAMPLE_REFERENCE);
      expect(eventOf('activity', terraSamples.activity(), { 'terra-reference': ['r-1', 'r-2'] }).reference).toBe('r-1');
      expect(eventOf('activity', terraSamples.activity(), {}).reference).toBeUndefined();
      // Without a delivery context: still an event, no reference.
      const context: EventContext = { type: 'activity', payload: terraSamples.activity(), deliveryKey: DELIVERY_KEY, receivedAt: RECEIVED_AT };
      expect(terraProvider.toEvent(context)).toMatchObject({ type: 'activity', reference: undefined });
    });

    it('builds the athlete event around its athlete object', () => {
      const event = eventOf('athlete');
      expect(event.athlete).toEqual(terraSamples.athlete().athlete);
      expect(event.records).toEqual([{ kind: 'terra.athlete', userId: USER_ID, key: 'athlete', version: undefined, data: event.athlete }]);
    });

    it('builds user_reauth for the new user and keeps the old id', () => {
      const event = eventOf('user_reauth');
      expect(event).toMatchObject({ userId: '9c8b7a65-4321-4fed-a0b9-87c6d5e4f321', oldUserId: USER_ID, records: [] });
      expect(eventOf('user_reauth', terraSamples.user_reauth({ old_user: null })).oldUserId).toBeUndefined();
    });

    it('builds auth_cancelled without a user', () => {
      const event = eventOf('auth_cancelled');
      expect(event).toMatchObject({ referenceId: 'your-user-123', reason: 'access_denied', records: [] });
      const bare = eventOf('auth_cancelled', { type: 'auth_cancelled', status: 'error' });
      expect(bare).toMatchObject({ referenceId: undefined, reason: undefined });
      expect(bare).not.toHaveProperty('userId');
    });

    it.each(['s3_payload', 's3_upload'] as const)('builds %s with the URL and when it expires', (type) => {
      const event = eventOf(type);
      expect(event).toMatchObject({
        url: terraSamples[type]().url,
        expiresIn: 300,
        expiresAt: new Date(RECEIVED_AT.getTime() + 300_000),
        records: [],
      });
    });

    it('builds large request announcements with the reference chunks will carry', () => {
      const sending = eventOf('large_request_sending', terraSamples.large_request_sending(), {});
      expect(sending).toMatchObject({ reference: TERRA_SAMPLE_REFERENCE, expectedPayloads: 43, userId: USER_ID, records: [] });
      const processing = eventOf('large_request_processing');
      expect(processing).toMatchObject({ reference: TERRA_SAMPLE_REFERENCE, expectedPayloads: undefined });
    });

    it('builds lab report events from the upload, not a user', () => {
      const completed = eventOf('lab_report.completed');
      expect(completed).toMatchObject({
        eventId: 'evt_4a2b8c1d-3f9e-4c0a-8b21-9d6e5f2a1c7b',
        occurredAt: new Date('2024-05-01T09:12:33Z'),
        sessionId: '297405620317847552',
        referenceId: 'your-patient-123',
        records: [],
      });
      const failed = eventOf('lab_report.failed', terraSamples['lab_report.failed']({ occurred_at: 'yesterday' }));
      expect(failed).toMatchObject({ eventId: 'evt_7c1f0a92-52c8-4a63-9082-7e50e2f5a1cd', occurredAt: undefined });
    });

    it('refuses a type that is not Terra’s', () => {
      const context = { type: 'brand_new_notice', payload: { type: 'brand_new_notice' }, deliveryKey: 'k', receivedAt: RECEIVED_AT };
      expect(() => terraProvider.toEvent(context)).toThrow(/Not a Terra event type/);
    });
  });

  describe('samples', () => {
    it('carry the realistic envelope and come fresh on every call', () => {
      const sample = terraSamples.activity();
      expect(sample).toMatchObject({ type: 'activity', version: '2022-03-16', user: { user_id: USER_ID, provider: 'FITBIT', reference_id: 'your-user-123' } });
      sample.data.length = 0;
      sample.user.user_id = 'changed';
      expect(terraSamples.activity().data).toHaveLength(1);
      expect(terraSamples.activity().user.user_id).toBe(USER_ID);
      expect(terraSamples.sleep({ version: '2024-01-01' }).version).toBe('2024-01-01');
    });

    it('name the type they are built for', () => {
      for (const type of TERRA_EVENT_TYPES) expect(terraSamples[type]().type).toBe(type);
    });
  });
});
