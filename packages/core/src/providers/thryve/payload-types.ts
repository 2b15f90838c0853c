/**
 * The JSON Thryve sends, event type by event type, exactly as the schemas in `./schemas/` accept it.
 * Hand-written to stay fast to typecheck; a type test (`types.test-d.ts`) keeps the property names and
 * required keys in step with the schemas. Deliveries may carry more properties than listed here:
 * the schemas allow them, and they are present at runtime, just not typed.
 */
import type { ThryveIntegerId } from './ids.js';
import type { ThryveDailyDataEventType, ThryveEpochDataEventType } from './event-types.js';

/** An ISO 8601 string or a unix integer (milliseconds, or seconds below 1e11). */
export type ThryveTimestamp = string | number;

/** `iso` or `unix` in any letter case (Thryve's own examples say both `iso` and `ISO`). */
export type ThryveTimestampType = string;

/** The fields every non-legacy Thryve webhook has. */
export interface ThryveEnvelope<Type extends string, Data> {
  /** Thryve's user id (formerly `accessToken`). */
  readonly endUserId: string;
  /** Your own id for the user (formerly `partnerUserId`); omitted when not set. */
  readonly endUserAlias?: string;
  /** How the timestamps in `data` are written; informational, wearhook reads each value by its type. */
  readonly timestampType: ThryveTimestampType;
  readonly type: Type;
  readonly data: Data;
}

/**
 * `additionalDetails` of a daily point. Every field is optional: details are configured per account in
 * Thryve's dashboard, and a missing detail does not stop a point from being processed.
 */
export interface ThryveDailyAdditionalDetails {
  /** When Thryve received the data; the record version. */
  readonly creationTimestamp?: ThryveTimestamp;
  readonly dataTypeName?: string;
  /** e.g. `DOUBLE`, `LONG`, `BOOLEAN`, `STRING`. */
  readonly valueType?: string;
  /** How the data was recorded, e.g. `MANUAL_ENTRY`. Part of an epoch point's identity. */
  readonly generationType?: string;
  readonly trustworthiness?: string;
  /** Possible deviation of the timestamps, in minutes. */
  readonly chronologicalExactness?: number;
}

/** `additionalDetails` of an epoch point: the daily ones and those only epoch data has. */
export interface ThryveEpochAdditionalDetails extends ThryveDailyAdditionalDetails {
  /** The third party that recorded the data. Part of an epoch point's identity. */
  readonly thirdPartyDataSourceId?: number;
  readonly thirdPartyDataSourceName?: string;
  /** The measurement object this point belongs to. */
  readonly measurementReference?: number;
  /** Recorded by a medical-grade (e.g. FDA-approved) sensor. */
  readonly medicalGrade?: boolean;
}

/** One epoch (intraday) data point as received. */
export interface ThryveEpochDataPoint {
  readonly startTimestamp: ThryveTimestamp;
  readonly endTimestamp?: ThryveTimestamp;
  /** Offset to UTC in minutes. */
  readonly timezoneOffset?: number;
  /** What was measured; see Thryve's epoch data type list (1000 steps, 3000 heart rate, ...). */
  readonly dataTypeId: ThryveIntegerId;
  /** Documented as a string (`"53.0"`); a number is accepted too. */
  readonly value: string | number;
  readonly additionalDetails?: ThryveEpochAdditionalDetails;
}

/** One daily data point as received. */
export interface ThryveDailyDataPoint {
  /** An ISO date (or date-time), or a unix value for the day's start. */
  readonly day: ThryveTimestamp;
  /** Offset to UTC in minutes. */
  readonly timezoneOffset?: number;
  /** What was measured; see Thryve's daily data type list (ids differ in meaning from epoch ones). */
  readonly dataTypeId: ThryveIntegerId;
  /** Documented as a string; a number is accepted too. */
  readonly value: string | number;
  readonly additionalDetails?: ThryveDailyAdditionalDetails;
}

/** The epoch points of one data source. */
export interface ThryveEpochDataSource {
  /** Thryve's data source id (1 Fitbit, 2 Garmin, 5 Apple, ...). */
  readonly dataSourceId: ThryveIntegerId;
  readonly dataSourceName?: string;
  readonly epochData: readonly ThryveEpochDataPoint[];
}

/** The daily points of one data source. */
export interface ThryveDailyDataSource {
  readonly dataSourceId: ThryveIntegerId;
  readonly dataSourceName?: string;
  readonly dailyData: readonly ThryveDailyDataPoint[];
}

/** `event.data.epoch.*`: `data` is one data source object, or (as some senders do) an array of them. */
export type ThryveEpochDataPayload<Type extends ThryveEpochDataEventType = ThryveEpochDataEventType> = ThryveEnvelope<
  Type,
  ThryveEpochDataSource | readonly ThryveEpochDataSource[]
>;

/** `event.data.daily.*`: `data` is one data source object or an array of them. */
export type ThryveDailyDataPayload<Type extends ThryveDailyDataEventType = ThryveDailyDataEventType> = ThryveEnvelope<
  Type,
  ThryveDailyDataSource | readonly ThryveDailyDataSource[]
>;

/** `data` of a source connection notification. */
export interface ThryveSourceNotificationData {
  /** When the user connected or disconnected. */
  readonly timestamp?: ThryveTimestamp;
  readonly dataSourceId: ThryveIntegerId;
}

/** `notification.source.connect`, also sent (per one doc line) as `webhook.source.connect`. */
export type ThryveSourceConnectPayload = ThryveEnvelope<'notification.source.connect' | 'webhook.source.connect', ThryveSourceNotificationData>;

/** `notification.source.disconnect`, also accepted as `webhook.source.disconnect`. */
export type ThryveSourceDisconnectPayload = ThryveEnvelope<
  'notification.source.disconnect' | 'webhook.source.disconnect',
  ThryveSourceNotificationData
>;

/** `data` of an epoch data notification: which data is new, to be fetched from Thryve's API. */
export interface ThryveEpochNotificationData {
  readonly startTimestamp: ThryveTimestamp;
  readonly endTimestamp: ThryveTimestamp;
  readonly dataSourceId: ThryveIntegerId;
  readonly dataTypeIds: readonly ThryveIntegerId[];
}

/** `notification.data.epoch.createupdate`. */
export type ThryveEpochNotificationPayload = ThryveEnvelope<'notification.data.epoch.createupdate', ThryveEpochNotificationData>;

/** `data` of a daily data notification. */
export interface ThryveDailyNotificationData {
  readonly startDay: ThryveTimestamp;
  readonly endDay: ThryveTimestamp;
  readonly dataSourceId: ThryveIntegerId;
  readonly dataTypeIds: readonly ThryveIntegerId[];
}

/** `notification.data.daily.createupdate`. */
export type ThryveDailyNotificationPayload = ThryveEnvelope<'notification.data.daily.createupdate', ThryveDailyNotificationData>;

/** The daily range of a legacy source update. */
export interface ThryveLegacyDailyRange {
  readonly startDay?: string;
  readonly endDay?: string;
  readonly startTimestampUnix?: number;
  readonly endTimestampUnix?: number;
  readonly dailyDynamicValueTypes?: readonly ThryveIntegerId[];
}

/** The epoch range of a legacy source update. */
export interface ThryveLegacyEpochRange {
  readonly startTimestamp?: string;
  readonly endTimestamp?: string;
  readonly startTimestampUnix?: number;
  readonly endTimestampUnix?: number;
  readonly dynamicValueTypes?: readonly ThryveIntegerId[];
}

/** The body of Thryve's legacy webhook format. */
export interface ThryveLegacySourceUpdate {
  /** Thryve's user id (today's `endUserId`). */
  readonly authenticationToken: string;
  /** Your own id for the user (today's `endUserAlias`). */
  readonly partnerUserID?: string;
  readonly dataSource: ThryveIntegerId;
  readonly createdAt?: ThryveTimestamp;
  /** `NEW` or `DELETED` when the update is about the connection itself. */
  readonly connectionStatus?: string;
  readonly '/v5/dailyDynamicValues'?: ThryveLegacyDailyRange;
  readonly '/v5/dynamicEpochValues'?: ThryveLegacyEpochRange;
}

/** `legacy.sourceUpdate`: the old format, `{"sourceUpdate": {...}}` with no `type`. */
export interface ThryveLegacySourceUpdatePayload {
  readonly sourceUpdate: ThryveLegacySourceUpdate;
}

/** The payload type of each Thryve event type (see `THRYVE_EVENT_TYPES`). */
export interface ThryvePayloadMap {
  'event.data.epoch.create': ThryveEpochDataPayload<'event.data.epoch.create'>;
  'event.data.epoch.update': ThryveEpochDataPayload<'event.data.epoch.update'>;
  'event.data.daily.create': ThryveDailyDataPayload<'event.data.daily.create'>;
  'event.data.daily.update': ThryveDailyDataPayload<'event.data.daily.update'>;
  'notification.source.connect': ThryveSourceConnectPayload;
  'notification.source.disconnect': ThryveSourceDisconnectPayload;
  'notification.data.epoch.createupdate': ThryveEpochNotificationPayload;
  'notification.data.daily.createupdate': ThryveDailyNotificationPayload;
  'legacy.sourceUpdate': ThryveLegacySourceUpdatePayload;
}
