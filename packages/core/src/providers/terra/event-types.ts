/**
 * The Terra event types wearhook knows, and the groups the typed events are built from. Most have a
 * schema and a payload type generated from Terra's OpenAPI spec; the informational ones are named only
 * in Terra's `EventType` JSON Schema, with no payload schema.
 */
import { terraEventTypes, type TerraEventType } from './generated/event-types.js';

export type { TerraEventType };

/** Every Terra event type wearhook knows, sorted. */
export const TERRA_EVENT_TYPES = terraEventTypes;

/**
 * Notices Terra sends with no payload schema: its periodic `healthcheck`, `processing`,
 * `rate_limit_hit`, `google_no_datasource`. Typed events (never "unknown"), so they are neither
 * quarantined nor refused in strict mode; wearhook reads nothing from them beyond their type.
 */
export const TERRA_INFORMATIONAL_EVENT_TYPES = [
  'google_no_datasource',
  'healthcheck',
  'processing',
  'rate_limit_hit',
] as const satisfies readonly TerraEventType[];
/** One of {@link TERRA_INFORMATIONAL_EVENT_TYPES}. */
export type TerraInformationalEventType = (typeof TERRA_INFORMATIONAL_EVENT_TYPES)[number];

/** Data pushes: a `data` array of summaries or samples for one user. */
export const TERRA_DATA_EVENT_TYPES = [
  'activity',
  'body',
  'daily',
  'health_observation',
  'hormone',
  'menstruation',
  'nutrition',
  'planned_workout',
  'sleep',
] as const satisfies readonly TerraEventType[];
/** One of {@link TERRA_DATA_EVENT_TYPES}. */
export type TerraDataEventType = (typeof TERRA_DATA_EVENT_TYPES)[number];

/** Connection lifecycle notices about one user that carry nothing beyond the user and a message. */
export type TerraUserNoticeEventType = 'deauth' | 'access_revoked' | 'connection_error' | 'permission_change';

/**
 * A payload stored in S3 instead of being sent: the event carries the URL to fetch. Terra's spec
 * names the webhook `s3_upload` while its example body reads `s3_payload`; both are accepted.
 */
export type TerraS3EventType = 's3_payload' | 's3_upload';

/** Announcements of a large request whose data arrives later in chunks sharing one reference. */
export type TerraLargeRequestEventType = 'large_request_sending' | 'large_request_processing';

/** Results of a lab report upload; they name the upload, not a Terra user. */
export type TerraLabReportEventType = 'lab_report.completed' | 'lab_report.failed';

const known: ReadonlySet<string> = new Set(terraEventTypes);

/** Whether `type` is one of {@link TERRA_EVENT_TYPES}. */
export function isTerraEventType(type: string): type is TerraEventType {
  return known.has(type);
}
