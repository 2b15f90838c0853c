/**
 * The typed Thryve events handed to applications: the payload as received plus normalised data
 * (timestamps as `Date`, days as `YYYY-MM-DD`, `data` flattened to one list of points).
 */
import type { WebhookEventBase } from '../../events/webhook-event.js';
import type {
  ThryveDailyDataEventType,
  ThryveEpochDataEventType,
  ThryveEventType,
  ThryveSourceEventType,
} from './event-types.js';
import type {
  ThryveDailyAdditionalDetails,
  ThryveDailyDataPoint,
  ThryveEpochAdditionalDetails,
  ThryveEpochDataPoint,
  ThryvePayloadMap,
} from './payload-types.js';

/** One epoch point, normalised. */
export interface ThryveEpochPoint {
  readonly dataSourceId: number;
  readonly dataSourceName: string | undefined;
  readonly dataTypeId: number;
  /** The value as sent; a numeric value is turned into its string; `undefined` when absent or null. */
  readonly value: string | undefined;
  /** The value as a number when it is one (`"53.0"` → 53), else `undefined` (`"true"`, RR lists, ...). */
  readonly numericValue: number | undefined;
  readonly start: Date;
  readonly end: Date | undefined;
  /** Offset to UTC in minutes, when sent. */
  readonly timezoneOffset: number | undefined;
  /** `additionalDetails` as received, when sent. */
  readonly details: ThryveEpochAdditionalDetails | undefined;
  /** `details.creationTimestamp` as a `Date`: when Thryve received this version. */
  readonly createdAt: Date | undefined;
  /** The point exactly as received. */
  readonly raw: ThryveEpochDataPoint;
}

/** One daily point, normalised. */
export interface ThryveDailyPoint {
  readonly dataSourceId: number;
  readonly dataSourceName: string | undefined;
  readonly dataTypeId: number;
  /** The value as sent; a numeric value is turned into its string; `undefined` when absent or null. */
  readonly value: string | undefined;
  /** The value as a number when it is one, else `undefined`. */
  readonly numericValue: number | undefined;
  /** The calendar day, `YYYY-MM-DD` (see `thryveDay` for how unix values and offsets are read). */
  readonly day: string;
  readonly timezoneOffset: number | undefined;
  readonly details: ThryveDailyAdditionalDetails | undefined;
  readonly createdAt: Date | undefined;
  readonly raw: ThryveDailyDataPoint;
}

/** What every Thryve event has beyond the common base. */
export interface ThryveEventBase<Type extends ThryveEventType, Payload> extends WebhookEventBase<'thryve', Type, Payload> {
  /** Thryve's user id: `endUserId`, or `authenticationToken` in the legacy format. */
  readonly endUserId: string;
  /** Your own id for the user: `endUserAlias`, or `partnerUserID` in the legacy format. */
  readonly endUserAlias: string | undefined;
}

/** `event.data.epoch.create` / `.update`: new or changed epoch points. */
export interface ThryveEpochDataEvent<Type extends ThryveEpochDataEventType = ThryveEpochDataEventType>
  extends ThryveEventBase<Type, ThryvePayloadMap[Type]> {
  /**
   * Every point of every data source in the delivery, in order. Normalised on first access and then
   * kept (a getter, like `records`), so a handler that only reads `payload` does not pay for it.
   */
  readonly points: readonly ThryveEpochPoint[];
}

/** `event.data.daily.create` / `.update`: new or changed daily points. */
export interface ThryveDailyDataEvent<Type extends ThryveDailyDataEventType = ThryveDailyDataEventType>
  extends ThryveEventBase<Type, ThryvePayloadMap[Type]> {
  /** Every daily point of the delivery, in order; normalised on first access, like the epoch points. */
  readonly points: readonly ThryveDailyPoint[];
}

/** `notification.source.connect` / `.disconnect`. */
export interface ThryveSourceEvent<Type extends ThryveSourceEventType = ThryveSourceEventType>
  extends ThryveEventBase<Type, ThryvePayloadMap[Type]> {
  readonly dataSourceId: number;
  /** When the user connected or disconnected, when sent. */
  readonly occurredAt: Date | undefined;
}

/** `notification.data.epoch.createupdate`: epoch data in a time range is new or changed. */
export interface ThryveEpochNotificationEvent
  extends ThryveEventBase<'notification.data.epoch.createupdate', ThryvePayloadMap['notification.data.epoch.createupdate']> {
  readonly dataSourceId: number;
  readonly dataTypeIds: readonly number[];
  /** `undefined` when the timestamp is not readable: the gate does not require it. */
  readonly start: Date | undefined;
  readonly end: Date | undefined;
}

/** `notification.data.daily.createupdate`: daily data in a range of days is new or changed. */
export interface ThryveDailyNotificationEvent
  extends ThryveEventBase<'notification.data.daily.createupdate', ThryvePayloadMap['notification.data.daily.createupdate']> {
  readonly dataSourceId: number;
  readonly dataTypeIds: readonly number[];
  /** `YYYY-MM-DD`; `undefined` when not readable (the gate does not require it). */
  readonly startDay: string | undefined;
  /** `YYYY-MM-DD`; `undefined` when not readable. */
  readonly endDay: string | undefined;
}

/** The epoch time range a legacy source update announces new data for. */
export interface ThryveLegacyEpochWindow {
  readonly start: Date | undefined;
  readonly end: Date | undefined;
  readonly dataTypeIds: readonly number[];
}

/** The days a legacy source update announces new daily data for (`YYYY-MM-DD`). */
export interface ThryveLegacyDailyWindow {
  readonly startDay: string | undefined;
  readonly endDay: string | undefined;
  readonly dataTypeIds: readonly number[];
}

/** `legacy.sourceUpdate`: the old format; a connection change, new data ranges, or both. */
export interface ThryveLegacySourceUpdateEvent extends ThryveEventBase<'legacy.sourceUpdate', ThryvePayloadMap['legacy.sourceUpdate']> {
  readonly dataSourceId: number;
  /** `NEW` or `DELETED` when the update is about the connection itself. */
  readonly connectionStatus: string | undefined;
  /** `"/v5/dynamicEpochValues"`, normalised, when present. */
  readonly epoch: ThryveLegacyEpochWindow | undefined;
  /** `"/v5/dailyDynamicValues"`, normalised, when present. */
  readonly daily: ThryveLegacyDailyWindow | undefined;
}

/** The typed event of each Thryve event type: what a handler subscribed to that name receives. */
export interface ThryveEventMap {
  'event.data.epoch.create': ThryveEpochDataEvent<'event.data.epoch.create'>;
  'event.data.epoch.update': ThryveEpochDataEvent<'event.data.epoch.update'>;
  'event.data.daily.create': ThryveDailyDataEvent<'event.data.daily.create'>;
  'event.data.daily.update': ThryveDailyDataEvent<'event.data.daily.update'>;
  'notification.source.connect': ThryveSourceEvent<'notification.source.connect'>;
  'notification.source.disconnect': ThryveSourceEvent<'notification.source.disconnect'>;
  'notification.data.epoch.createupdate': ThryveEpochNotificationEvent;
  'notification.data.daily.createupdate': ThryveDailyNotificationEvent;
  'legacy.sourceUpdate': ThryveLegacySourceUpdateEvent;
}

/** Any Thryve event; narrow it by `type`. */
export type ThryveEvent = ThryveEventMap[ThryveEventType];
