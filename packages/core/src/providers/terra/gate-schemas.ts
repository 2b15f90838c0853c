/**
 * The gate of each Terra event type: what wearhook itself needs to build the typed event and its
 * records. A payload that fails it is quarantined; everything else Terra's spec says is checked
 * advisorily (drift). Read by the generator, which compiles these ahead of time
 * (`generated/gate.ts`); nothing reads them at run time. What each gate guarantees is listed in
 * packages/core/VALIDATION.md.
 */
import type { TerraEventType } from './event-types.js';

const nonEmptyString = { type: 'string', minLength: 1 } as const;

/** `{ user_id: "..." }`: the id wearhook files the user's records under. */
const terraUser = { type: 'object', required: ['user_id'], properties: { user_id: nonEmptyString } } as const;

function envelope(type: string, required: readonly string[] = [], properties: Record<string, object> = {}): object {
  return { type: 'object', required: ['type', ...required], properties: { type: { const: type }, ...properties } };
}

/** A data push: the user and a `data` array whose items each carry the fields of their record key. */
function dataPush(type: string, item: object): object {
  return envelope(type, ['user', 'data'], { user: terraUser, data: { type: 'array', items: item } });
}

const metadataWith = (required: readonly string[], properties: Record<string, object>) =>
  ({ type: 'object', required: ['metadata'], properties: { metadata: { type: 'object', required, properties } } }) as const;

const bySummaryId = metadataWith(['summary_id'], { summary_id: nonEmptyString });
const byStartTime = metadataWith(['start_time'], { start_time: nonEmptyString });
/** A sleep is keyed by its summary id, else by its start: one of them must be there. */
const sleepItem = {
  type: 'object',
  required: ['metadata'],
  properties: {
    metadata: {
      type: 'object',
      anyOf: [
        { required: ['summary_id'], properties: { summary_id: nonEmptyString } },
        { required: ['start_time'], properties: { start_time: nonEmptyString } },
      ],
    },
  },
} as const;

const userNotice = (type: string) => envelope(type, ['user'], { user: terraUser });

export const terraGateSchemas: Readonly<Record<TerraEventType, object>> = {
  activity: dataPush('activity', bySummaryId),
  sleep: dataPush('sleep', sleepItem),
  health_observation: dataPush('health_observation', bySummaryId),
  daily: dataPush('daily', byStartTime),
  body: dataPush('body', byStartTime),
  menstruation: dataPush('menstruation', byStartTime),
  nutrition: dataPush('nutrition', byStartTime),
  hormone: dataPush('hormone', { type: 'object', required: ['timestamp'], properties: { timestamp: nonEmptyString } }),
  // Planned workouts without any id make no record; nothing inside an item is needed.
  planned_workout: dataPush('planned_workout', { type: 'object' }),
  athlete: envelope('athlete', ['user', 'athlete'], { user: terraUser, athlete: { type: 'object' } }),
  // A failed authentication (`status: "error"`) may name no user yet.
  auth: {
    type: 'object',
    required: ['type'],
    properties: { type: { const: 'auth' } },
    if: { required: ['status'], properties: { status: { const: 'error' } } },
    then: { properties: { user: { anyOf: [terraUser, { type: 'null' }] } } },
    else: { required: ['user'], properties: { user: terraUser } },
  },
  deauth: userNotice('deauth'),
  access_revoked: userNotice('access_revoked'),
  connection_error: userNotice('connection_error'),
  permission_change: userNotice('permission_change'),
  user_reauth: envelope('user_reauth', ['new_user'], { new_user: terraUser }),
  auth_cancelled: envelope('auth_cancelled'),
  s3_payload: envelope('s3_payload', ['url'], { url: nonEmptyString }),
  s3_upload: envelope('s3_upload', ['url'], { url: nonEmptyString }),
  large_request_sending: envelope('large_request_sending', ['user'], { user: terraUser }),
  large_request_processing: envelope('large_request_processing', ['user'], { user: terraUser }),
  'lab_report.completed': envelope('lab_report.completed', ['data'], { data: { type: 'object' } }),
  'lab_report.failed': envelope('lab_report.failed', ['data'], { data: { type: 'object' } }),
  healthcheck: envelope('healthcheck'),
  processing: envelope('processing'),
  rate_limit_hit: envelope('rate_limit_hit'),
  google_no_datasource: envelope('google_no_datasource'),
};
