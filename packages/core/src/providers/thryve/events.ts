/** Builds the typed Thryve event of a payload that passed its schema. */
import { LazyEvent } from '../../events/lazy-event.js';
import type { RecordRef } from '../../events/webhook-event.js';
import type { Drift } from '../../validation/drift.js';
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
import { thryveId } from './ids.js';
import { dailyPointsOf, epochPointsOf } from './points.js';
import { thryveDailyRecordRef, thryveEpochRecordRef } from './record-keys.js';
import { thryveDate, thryveDay } from './timestamps.js';
import type { ThryveDailyPoint, ThryveEpochPoint, ThryveEvent, ThryveEventMap } from './types.js';

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
  return {
    provider: 'thryve',
    type,
    deliveryKey: context.deliveryKey,
    receivedAt: context.receivedAt,
    drift: context.drift,
    endUserId,
    endUserAlias,
  } as const;
}

function envelopeBase<Type extends ThryveEventType>(type: Type, context: EventContext, payload: ThryveEnvelope<string, unknown>) {
  return base(type, context, payload.endUserId, payload.endUserAlias);
}

/** How the points of one kind of data push are read and keyed. */
interface PointKind<Point> {
  pointsOf(data: unknown): Point[];
  recordOf(endUserId: string, point: Point, receivedAtMs: number): RecordRef;
}

const EPOCH_POINTS: PointKind<ThryveEpochPoint> = {
  pointsOf: (data) => epochPointsOf(data as ThryveEpochDataPayload['data']),
  recordOf: thryveEpochRecordRef,
};

const DAILY_POINTS: PointKind<ThryveDailyPoint> = {
  pointsOf: (data) => dailyPointsOf(data as ThryveDailyDataPayload['data']),
  recordOf: thryveDailyRecordRef,
};

/**
 * A data push event. `points` and `records` are computed on first access and kept, so a handler that
 * never reads them does not pay for normalising every point (see `LazyEvent` for what that means for
 * `Object.keys` and `JSON.stringify`).
 */
class LazyThryveDataEvent<Point> extends LazyEvent {
  readonly provider = 'thryve';
  readonly type: ThryveEventType;
  readonly deliveryKey: string;
  readonly receivedAt: Date;
  readonly drift: Drift | undefined;
  readonly endUserId: string;
  readonly endUserAlias: string | undefined;
  readonly payload: ThryveEpochDataPayload | ThryveDailyDataPayload;
  readonly #kind: PointKind<Point>;
  #points: readonly Point[] | undefined;
  #records: readonly RecordRef[] | undefined;

  constructor(type: ThryveEventType, context: EventContext, kind: PointKind<Point>) {
    super();
    const payload = context.payload as ThryveEpochDataPayload | ThryveDailyDataPayload;
    this.type = type;
    this.deliveryKey = context.deliveryKey;
    this.receivedAt = context.receivedAt;
    this.drift = context.drift;
    this.endUserId = payload.endUserId;
    this.endUserAlias = payload.endUserAlias;
    this.payload = payload;
    this.#kind = kind;
  }

  get points(): readonly Point[] {
    return (this.#points ??= this.#kind.pointsOf(this.payload.data));
  }

  get records(): readonly RecordRef[] {
    if (this.#records === undefined) {
      const { endUserId } = this;
      const kind = this.#kind;
      const receivedAtMs = this.receivedAt.getTime();
      this.#records = this.points.map((point) => kind.recordOf(endUserId, point, receivedAtMs));
    }
    return this.#records;
  }

  protected lazyFields(): object {
    return { points: this.points, records: this.records };
  }
}

function epochDataEvent<Type extends 'event.data.epoch.create' | 'event.data.epoch.update'>(
  type: Type,
  context: EventContext,
): ThryveEventMap[Type] {
  return new LazyThryveDataEvent(type, context, EPOCH_POINTS) as unknown as ThryveEventMap[Type];
}

function dailyDataEvent<Type extends 'event.data.daily.create' | 'event.data.daily.update'>(
  type: Type,
  context: EventContext,
): ThryveEventMap[Type] {
  return new LazyThryveDataEvent(type, context, DAILY_POINTS) as unknown as ThryveEventMap[Type];
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
    dataSourceId: thryveId(payload.data.dataSourceId),
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
    dataSourceId: thryveId(data.dataSourceId),
    dataTypeIds: idsOf(data.dataTypeIds),
    start: thryveDate(data.startTimestamp),
    end: thryveDate(data.endTimestamp),
  };
}

function dailyNotificationEvent(context: EventContext): ThryveEventMap['notification.data.daily.createupdate'] {
  const payload = context.payload as ThryveDailyNotificationPayload;
  const { data } = payload;
  return {
    ...envelopeBase('notification.data.daily.createupdate', context, payload),
    payload,
    records: [],
    dataSourceId: thryveId(data.dataSourceId),
    dataTypeIds: idsOf(data.dataTypeIds),
    startDay: thryveDay(data.startDay),
    endDay: thryveDay(data.endDay),
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
    dataSourceId: thryveId(update.dataSource),
    connectionStatus: update.connectionStatus,
    epoch:
      epoch === undefined
        ? undefined
        : {
            start: thryveDate(epoch.startTimestamp) ?? thryveDate(epoch.startTimestampUnix),
            end: thryveDate(epoch.endTimestamp) ?? thryveDate(epoch.endTimestampUnix),
            dataTypeIds: idsOf(epoch.dynamicValueTypes),
          },
    daily:
      daily === undefined
        ? undefined
        : {
            startDay: thryveDay(daily.startDay) ?? thryveDay(daily.startTimestampUnix),
            endDay: thryveDay(daily.endDay) ?? thryveDay(daily.endTimestampUnix),
            dataTypeIds: idsOf(daily.dailyDynamicValueTypes),
          },
  };
}

/** Integer ids as numbers; anything else in the list (drift, not gated) is left out. */
function idsOf(values: readonly unknown[] | undefined): readonly number[] {
  if (!Array.isArray(values)) return [];
  return values.flatMap((value) => (typeof value === 'number' || (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) ? [thryveId(value)] : []));
}
