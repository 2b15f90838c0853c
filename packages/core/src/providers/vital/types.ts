/**
 * The typed Vital events handed to applications: the payload as received (typed by the schema that
 * validated it) plus the fields most handlers need, read out once. The event map is computed from the
 * generated payload map, so its 194 entries cost a handful of type aliases, not 194 interfaces.
 */
import type { WebhookEventBase } from '../../events/webhook-event.js';
import type {
  VitalEventType,
  VitalHistoricalEventType,
  VitalResourceOf,
  VitalSummaryEventType,
  VitalTimeseriesEventType,
  VitalUserlessEventType,
} from './event-types.js';
import type { ClientFacingSource, ProviderConnectionError, VitalPayloadMap } from './generated/types.js';

/** What every Vital event has beyond the common base. */
export interface VitalEventBase<Type extends VitalEventType> extends WebhookEventBase<'vital', Type, VitalPayloadMap[Type]> {
  /** Your Junction team: `team_id`, when sent (some current docs examples omit it). */
  readonly teamId: string | undefined;
}

/** Events about one user (every type except `labtest.match_review.*`). */
export interface VitalUserEventBase<Type extends Exclude<VitalEventType, VitalUserlessEventType>> extends VitalEventBase<Type> {
  /**
   * Junction's id of the user: `user_id`, or `data.user_id` when the top-level ids are missing (lab
   * events carry it only there). Records are keyed by it.
   */
  readonly userId: string;
  /** Your own id for the user, given when you created them: `client_user_id` (any string), when sent. */
  readonly clientUserId: string | undefined;
}

/** `daily.data.<summary resource>.*`: one summary (a night's sleep, a workout, a day's activity...). */
export interface VitalSummaryEvent<Type extends VitalSummaryEventType = VitalSummaryEventType> extends VitalUserEventBase<Type> {
  /** The resource, e.g. `sleep`. */
  readonly resource: VitalResourceOf<Type>;
  /** The summary: `payload.data`. */
  readonly summary: VitalPayloadMap[Type]['data'];
}

/** `daily.data.<timeseries resource>.*`: samples of one resource from one source. */
export interface VitalTimeseriesEvent<Type extends VitalTimeseriesEventType = VitalTimeseriesEventType> extends VitalUserEventBase<Type> {
  /** The resource, e.g. `heartrate`. */
  readonly resource: VitalResourceOf<Type>;
  /** Where every sample comes from: `payload.data.source`. */
  readonly source: ClientFacingSource;
  /** The samples: `payload.data.data`. */
  readonly samples: VitalPayloadMap[Type]['data']['data'];
}

/** `historical.data.<resource>.created`: a backfill finished; fetch the data from Junction's API. */
export interface VitalHistoricalEvent<Type extends VitalHistoricalEventType = VitalHistoricalEventType> extends VitalUserEventBase<Type> {
  readonly resource: VitalResourceOf<Type>;
  /** The provider whose history was pulled, e.g. `oura`: `data.provider`, when sent. */
  readonly dataProvider: string | undefined;
  /** `data.start_date` as a `Date`; `undefined` if unreadable (formats are not validated). */
  readonly start: Date | undefined;
  /** `data.end_date` as a `Date`; `undefined` if unreadable. */
  readonly end: Date | undefined;
  /** `data.is_final`: whether this is the last notice of the backfill; `undefined` when not sent. */
  readonly isFinal: boolean | undefined;
}

/** `provider.connection.created`: the user connected a provider. */
export interface VitalConnectionCreatedEvent extends VitalUserEventBase<'provider.connection.created'> {
  /** The provider's slug, e.g. `oura`: `data.provider.slug`, when sent. */
  readonly dataProvider: string | undefined;
}

/** `provider.connection.error`: a connection broke; the user may need to reconnect. */
export interface VitalConnectionErrorEvent extends VitalUserEventBase<'provider.connection.error'> {
  /** The provider's slug: `data.provider`, when sent. */
  readonly dataProvider: string | undefined;
  /** Why, e.g. `token_refresh_failed`: `data.error_type` (an open enum), when sent. */
  readonly errorType: NonNullable<ProviderConnectionError['error_type']> | undefined;
  /** `data.message`, when sent. */
  readonly errorMessage: string | undefined;
}

/**
 * `labtest.match_review.*` (about a lab sample not yet matched to a user) and Svix's
 * `message.attempt.exhausted` (Svix gave up delivering a message): no user fields.
 */
export type VitalUserlessEvent<Type extends VitalUserlessEventType = VitalUserlessEventType> = VitalEventBase<Type>;

/** Every other event about a user (devices, lab tests, lab reports, continuous queries). */
export type VitalUserEvent<Type extends Exclude<VitalEventType, VitalUserlessEventType>> = VitalUserEventBase<Type>;

/** The typed event of one event type. */
export type VitalEventFor<Type extends VitalEventType> = Type extends VitalTimeseriesEventType
  ? VitalTimeseriesEvent<Type>
  : Type extends VitalSummaryEventType
    ? VitalSummaryEvent<Type>
    : Type extends VitalHistoricalEventType
      ? VitalHistoricalEvent<Type>
      : Type extends 'provider.connection.created'
        ? VitalConnectionCreatedEvent
        : Type extends 'provider.connection.error'
          ? VitalConnectionErrorEvent
          : Type extends VitalUserlessEventType
            ? VitalUserlessEvent<Type>
            : VitalUserEvent<Exclude<Type, VitalUserlessEventType>>;

/** The typed event of each Vital event type: what a handler subscribed to that name receives. */
export type VitalEventMap = { readonly [Type in VitalEventType]: VitalEventFor<Type> };

/** Any Vital event; narrow it by `type`. */
export type VitalEvent = VitalEventMap[VitalEventType];
