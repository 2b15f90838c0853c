/**
 * The typed Terra events handed to applications: the payload as received (typed by the schema that
 * validated it) plus the fields most handlers need, read out once.
 */
import type { WebhookEventBase } from '../../events/webhook-event.js';
import type {
  TerraDataEventType,
  TerraEventType,
  TerraInformationalEventType,
  TerraLabReportEventType,
  TerraLargeRequestEventType,
  TerraS3EventType,
  TerraUserNoticeEventType,
} from './event-types.js';
import type { Athlete, TerraPayloadMap, TerraUser } from './generated/types.js';

/** What every Terra event has beyond the common base. */
export interface TerraEventBase<Type extends TerraEventType> extends WebhookEventBase<'terra', Type, TerraPayloadMap[Type]> {
  /**
   * The `terra-reference` header: the same on every chunk of one large request (announced by
   * `large_request_sending`), so chunks can be reassembled. `undefined` for ordinary deliveries.
   */
  readonly reference: string | undefined;
}

/** Events about one Terra user (every type except `auth_cancelled`, S3 links and lab reports). */
export interface TerraUserEventBase<Type extends TerraEventType> extends TerraEventBase<Type> {
  /** Terra's id of the user's connection to one data provider: `user.user_id`. */
  readonly userId: string;
  /** The `user` object as received. */
  readonly user: TerraUser;
  /** The wearable or app behind the connection, e.g. `FITBIT`, `GARMIN`: `user.provider`, when sent (Terra sends null on some deauths). */
  readonly dataProvider: string | undefined;
  /** Your own id for the user, given when the connection was made: `user.reference_id`. */
  readonly referenceId: string | undefined;
}

/** `activity`, `sleep`, `daily`, `body`, ...: summaries or samples in a `data` array. */
export type TerraDataEvent<Type extends TerraDataEventType = TerraDataEventType> = TerraUserEventBase<Type>;

/** `athlete`: the user's profile, one `athlete` object. */
export interface TerraAthleteEvent extends TerraUserEventBase<'athlete'> {
  readonly athlete: Athlete;
}

/**
 * `auth`: a connection succeeded (`status: "success"`) or failed (`status: "error"`). A failed one may
 * name no user yet, so the user fields may be `undefined`.
 */
export interface TerraAuthEvent extends TerraEventBase<'auth'> {
  /** `success` or `error` as sent (Terra's enums are open: other values are passed on). */
  readonly status: string | undefined;
  readonly userId: string | undefined;
  readonly user: TerraUser | undefined;
  readonly dataProvider: string | undefined;
  readonly referenceId: string | undefined;
}

/**
 * `healthcheck`, `processing`, `rate_limit_hit`, `google_no_datasource`: notices with no published
 * payload schema. Typed events so they are never quarantined or refused; read `payload` for details.
 */
export type TerraInformationalEvent<Type extends TerraInformationalEventType = TerraInformationalEventType> = TerraEventBase<Type>;

/** `deauth`, `access_revoked`, `connection_error`, `permission_change`. */
export type TerraUserNoticeEvent<Type extends TerraUserNoticeEventType = TerraUserNoticeEventType> = TerraUserEventBase<Type>;

/** `user_reauth`: the user connected again and got a new id; the old one is gone. */
export interface TerraUserReauthEvent extends TerraUserEventBase<'user_reauth'> {
  /** The id the user had before (`old_user.user_id`), when Terra sent it. */
  readonly oldUserId: string | undefined;
}

/** `auth_cancelled`: a connection attempt failed or was abandoned; there is no user yet. */
export interface TerraAuthCancelledEvent extends TerraEventBase<'auth_cancelled'> {
  /** The `reference_id` given when the connection was started, when sent. */
  readonly referenceId: string | undefined;
  /** Why it failed, e.g. `access_denied`, when sent. */
  readonly reason: string | undefined;
}

/**
 * `s3_payload` / `s3_upload`: the data was too large to send and waits at a signed URL. Fetch it with
 * `fetchTerraS3Payload` (opt-in: wearhook never fetches on its own) before `expiresAt`.
 */
export interface TerraS3Event<Type extends TerraS3EventType = TerraS3EventType> extends TerraEventBase<Type> {
  readonly url: string;
  /** Seconds the URL stays valid, as sent; `undefined` when not sent as a number. */
  readonly expiresIn: number | undefined;
  /** When the URL expires, counted from the delivery's receipt; `undefined` without `expiresIn`. */
  readonly expiresAt: Date | undefined;
}

/** `large_request_sending` / `large_request_processing`: data will follow in chunks. */
export interface TerraLargeRequestEvent<Type extends TerraLargeRequestEventType = TerraLargeRequestEventType>
  extends TerraUserEventBase<Type> {
  /** The reference every chunk of this request will carry in its `terra-reference` header, when sent. */
  readonly reference: string | undefined;
  /** How many chunks will follow (`large_request_sending` only). */
  readonly expectedPayloads: number | undefined;
}

/** `lab_report.completed` / `lab_report.failed`: the outcome of a lab report upload. */
export interface TerraLabReportEvent<Type extends TerraLabReportEventType = TerraLabReportEventType> extends TerraEventBase<Type> {
  /** Terra's id of this event, when sent. */
  readonly eventId: string | undefined;
  /** `occurred_at` as a `Date`; `undefined` if it is not a readable ISO timestamp (formats are not validated). */
  readonly occurredAt: Date | undefined;
  /** The parsing session the report belongs to: `data.session_id`, when sent. */
  readonly sessionId: string | undefined;
  /** Your own id given with the upload: `data.reference_id`, when sent. */
  readonly referenceId: string | undefined;
}

/** The typed event of each Terra event type: what a handler subscribed to that name receives. */
export interface TerraEventMap {
  access_revoked: TerraUserNoticeEvent<'access_revoked'>;
  activity: TerraDataEvent<'activity'>;
  athlete: TerraAthleteEvent;
  auth: TerraAuthEvent;
  auth_cancelled: TerraAuthCancelledEvent;
  body: TerraDataEvent<'body'>;
  connection_error: TerraUserNoticeEvent<'connection_error'>;
  daily: TerraDataEvent<'daily'>;
  deauth: TerraUserNoticeEvent<'deauth'>;
  google_no_datasource: TerraInformationalEvent<'google_no_datasource'>;
  healthcheck: TerraInformationalEvent<'healthcheck'>;
  health_observation: TerraDataEvent<'health_observation'>;
  hormone: TerraDataEvent<'hormone'>;
  'lab_report.completed': TerraLabReportEvent<'lab_report.completed'>;
  'lab_report.failed': TerraLabReportEvent<'lab_report.failed'>;
  large_request_processing: TerraLargeRequestEvent<'large_request_processing'>;
  large_request_sending: TerraLargeRequestEvent<'large_request_sending'>;
  menstruation: TerraDataEvent<'menstruation'>;
  nutrition: TerraDataEvent<'nutrition'>;
  permission_change: TerraUserNoticeEvent<'permission_change'>;
  planned_workout: TerraDataEvent<'planned_workout'>;
  processing: TerraInformationalEvent<'processing'>;
  rate_limit_hit: TerraInformationalEvent<'rate_limit_hit'>;
  s3_payload: TerraS3Event<'s3_payload'>;
  s3_upload: TerraS3Event<'s3_upload'>;
  sleep: TerraDataEvent<'sleep'>;
  user_reauth: TerraUserReauthEvent;
}

/** Any Terra event; narrow it by `type`. */
export type TerraEvent = TerraEventMap[TerraEventType];
