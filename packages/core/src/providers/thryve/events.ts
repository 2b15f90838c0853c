/** Builds the typed Thryve event of a payload that passed its schema. */
import type { EventContext } from '../provider-definition.js';
import type { ThryveEventType } from './event-types.js';
import type {
  ThryveDailyDataPayload,
  ThryveDailyNotificationPayload,
  ThryveEnvelope,
  ThryveEpochDataPayload,
  ThryveEpochNotificationPayload,
  ThryveLegacySourceUpdatePayload,
  ThryveSourceConnectPayload,
  ThryveSourceDisconnectPayload,
} from './payload-types.js';
import { dailyPointsOf, epochPointsOf } from './points.js';
import { thryveDailyRecordRef, thryveEpochRecordRef } from './record-keys.js';
import { thryveDate, thryveDay } from './timestamps.js';
import type { ThryveEvent, ThryveEventMap } from './types.js';

/**
 * The typed event for `context.type` (a wearhook name: aliases already resolved). The payload must
 * have passed that type's schema; this is not checked again. Throws for a type that is not Thryve's.
 */
export function toThryveEvent(context: EventContext): ThryveEvent {
  const type = context.type as ThryveEventType;
  switch (type) {
    case 'event.data.epoch.create':
    case 'event.data.epoch.update':
      return epochDataEvent(type, context);
    case 'event.data.daily.create':
    case 'event.data.daily.update':
      return dailyDataEvent(type, context);
    case 'notification.source.connect':
    case 'notification.source.disconnect':
      return sourceEvent(type, context);
    case 'notification.data.epoch.createupdate':
      return epochNotificationEvent(context);
    case 'notification.data.daily.createupdate':
      return dailyNotificationEvent(context);
    case 'legacy.sourceUpdate':
      return legacySourceUpdateEvent(context);
    default: {
      const unknownType: never = type;
      throw new Error(`Not a Thryve event type: ${JSON.stringify(unknownType)}`);
    }
  }
}

function base<Type extends ThryveEventType>(type: Type, context: EventContext, endUserId: string, endUserAlias: string | undefined) {
  return { provider: 'thryve', type, deliveryKey: context.deliveryKey, receivedAt: context.receivedAt, endUserId, endUserAlias } as const;
}

function envelopeBase<Type extends ThryveEventType>(type: Type, context: EventContext, payload: ThryveEnvelope<string, unknown>) {
  return base(type, context, payload.endUserId, payload.endUserAlias);
}

function epochDataEvent<Type extends 'event.data.epoch.create' | 'event.data.epoch.update'>(
  type: Type,
  context: EventContext,
): ThryveEventMap[Type] {
  const payload = context.payload as ThryveEpochDataPayload<Type>;
  const points = epochPointsOf(payload.data);
  const records = points.map((point) => thryveEpochRecordRef(payload.endUserId, point));
  return { ...envelopeBase(type, context, payload), payload, points, records } as unknown as ThryveEventMap[Type];
}

function dailyDataEvent<Type extends 'event.data.daily.create' | 'event.data.daily.update'>(
  type: Type,
  context: EventContext,
): ThryveEventMap[Type] {
  const payload = context.payload as ThryveDailyDataPayload<Type>;
  const points = dailyPointsOf(payload.data);
  const records = points.map((point) => thryveDailyRecordRef(payload.endUserId, point));
  return { ...envelopeBase(type, context, payload), payload, points, records } as unknown as ThryveEventMap[Type];
}

function sourceEvent<Type extends 'notification.source.connect' | 'notification.source.disconnect'>(
  type: Type,
  context: EventContext,
): ThryveEventMap[Type] {
  const payload = context.payload as ThryveSourceConnectPayload | ThryveSourceDisconnectPayload;
  return {
    ...envelopeBase(type, context, payload),
    payload,
    records: [],
    dataSourceId: payload.data.dataSourceId,
    occurredAt: thryveDate(payload.data.timestamp),
  } as unknown as ThryveEventMap[Type];
}

function epochNotificationEvent(context: EventContext): ThryveEventMap['notification.data.epoch.createupdate'] {
  const payload = context.payload as ThryveEpochNotificationPayload;
  const { data } = payload;
  return {
    ...envelopeBase('notification.data.epoch.createupdate', context, payload),
    payload,
    records: [],
    dataSourceId: data.dataSourceId,
    dataTypeIds: data.dataTypeIds,
    start: validated(thryveDate(data.startTimestamp), 'data.startTimestamp'),
    end: validated(thryveDate(data.endTimestamp), 'data.endTimestamp'),
  };
}

function dailyNotificationEvent(context: EventContext): ThryveEventMap['notification.data.daily.createupdate'] {
  const payload = context.payload as ThryveDailyNotificationPayload;
  const { data } = payload;
  return {
    ...envelopeBase('notification.data.daily.createupdate', context, payload),
    payload,
    records: [],
    dataSourceId: data.dataSourceId,
    dataTypeIds: data.dataTypeIds,
    startDay: validated(thryveDay(data.startDay), 'data.startDay'),
    endDay: validated(thryveDay(data.endDay), 'data.endDay'),
  };
}

function legacySourceUpdateEvent(context: EventContext): ThryveEventMap['legacy.sourceUpdate'] {
  const payload = context.payload as ThryveLegacySourceUpdatePayload;
  const update = payload.sourceUpdate;
  const epoch = update['/v5/dynamicEpochValues'];
  const daily = update['/v5/dailyDynamicValues'];
  return {
    ...base('legacy.sourceUpdate', context, update.authenticationToken, update.partnerUserID),
    payload,
    records: [],
    dataSourceId: update.dataSource,
    connectionStatus: update.connectionStatus,
    epoch:
      epoch === undefined
        ? undefined
        : {
            start: thryveDate(epoch.startTimestamp) ?? thryveDate(epoch.startTimestampUnix),
            end: thryveDate(epoch.endTimestamp) ?? thryveDate(epoch.endTimestampUnix),
            dataTypeIds: epoch.dynamicValueTypes ?? [],
          },
    daily:
      daily === undefined
        ? undefined
        : {
            startDay: thryveDay(daily.startDay) ?? thryveDay(daily.startTimestampUnix),
            endDay: thryveDay(daily.endDay) ?? thryveDay(daily.endTimestampUnix),
            dataTypeIds: daily.dailyDynamicValueTypes ?? [],
          },
  };
}

// The schemas accept only timestamps that normalise, so this throws only for a payload that was
// never validated: a caller bug, reported as such rather than hidden behind an Invalid Date.
function validated<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw new TypeError(`Thryve payload did not pass its schema: ${path} is not a readable timestamp`);
  return value;
}
