/** Builds the typed Terra event of a payload that passed its gate. */
import { LazyEvent } from '../../events/lazy-event.js';
import type { RecordRef } from '../../events/webhook-event.js';
import type { Drift } from '../../validation/drift.js';
import type { EventContext } from '../provider-definition.js';
import { TERRA_CONTEXT_KEYS } from './delivery-context.js';
import type { TerraDataEventType, TerraEventType, TerraInformationalEventType, TerraUserNoticeEventType } from './event-types.js';
import type { TerraPayloadMap, TerraUser } from './generated/types.js';
import { terraAthleteRecordRef, terraRecordRefs } from './record-keys.js';
import { terraEpochMs } from './timestamps.js';
import type { TerraEvent, TerraEventMap } from './types.js';

/**
 * What a Terra event is built from: `EventContext`, whose `context` (from `terraDeliveryContext`)
 * holds the `terra-reference` of chunked large requests and the record version from
 * `x-terra-ordering-timestamp`.
 */
export type TerraEventContext = EventContext;

/** Data types whose newer copy carries a higher `x-terra-ordering-timestamp` (Terra's spec, `webhooks:`). */
const ORDERED_DATA_TYPES: ReadonlySet<string> = new Set(['activity', 'nutrition', 'daily', 'sleep', 'menstruation', 'body']);

/**
 * The typed event for `context.type`. The payload must have passed that type's gate; this is not
 * checked again. Throws for a type that is not Terra's.
 */
export function toTerraEvent(context: TerraEventContext): TerraEvent {
  const type = context.type as TerraEventType;
  switch (type) {
    case 'activity':
    case 'body':
    case 'daily':
    case 'health_observation':
    case 'hormone':
    case 'menstruation':
    case 'nutrition':
    case 'planned_workout':
    case 'sleep':
      return dataEvent(type, context);
    case 'athlete':
      return athleteEvent(context);
    case 'auth':
      return authEvent(context);
    case 'deauth':
    case 'access_revoked':
    case 'connection_error':
    case 'permission_change':
      return noticeEvent(type, context);
    case 'user_reauth':
      return userReauthEvent(context);
    case 'auth_cancelled':
      return authCancelledEvent(context);
    case 's3_payload':
    case 's3_upload':
      return s3Event(type, context);
    case 'large_request_sending':
    case 'large_request_processing':
      return largeRequestEvent(type, context);
    case 'lab_report.completed':
    case 'lab_report.failed':
      return labReportEvent(type, context);
    case 'healthcheck':
    case 'processing':
    case 'rate_limit_hit':
    case 'google_no_datasource':
      return informationalEvent(type, context);
    default: {
      const unknownType: never = type;
      throw new Error(`Not a Terra event type: ${JSON.stringify(unknownType)}`);
    }
  }
}

function base<Type extends TerraEventType>(type: Type, context: TerraEventContext) {
  return {
    provider: 'terra',
    type,
    deliveryKey: context.deliveryKey,
    receivedAt: context.receivedAt,
    payload: context.payload as TerraPayloadMap[Type],
    drift: context.drift,
    reference: context.context?.[TERRA_CONTEXT_KEYS.reference],
  } as const;
}

/** The record version from the delivery's (clamped) `x-terra-ordering-timestamp`, for the types it orders. */
function versionOf(type: TerraEventType, context: TerraEventContext): number | undefined {
  const version = context.context?.[TERRA_CONTEXT_KEYS.version];
  if (version === undefined || !ORDERED_DATA_TYPES.has(type)) return undefined;
  const number = Number(version);
  return Number.isFinite(number) ? number : undefined;
}

function userEvent<Type extends TerraEventType>(type: Type, context: TerraEventContext, user: TerraUser, records: readonly RecordRef[]) {
  return {
    ...base(type, context),
    records,
    userId: user.user_id,
    user,
    dataProvider: user.provider ?? undefined,
    referenceId: user.reference_id ?? undefined,
  };
}

// The generic builders below cast through `unknown`: TypeScript cannot relate a generic `Type` to the
// matching member of the event map, though every caller passes a literal type and its own payload.

function noticeEvent<Type extends TerraUserNoticeEventType>(type: Type, context: TerraEventContext): TerraEventMap[Type] {
  const payload = context.payload as TerraPayloadMap[TerraUserNoticeEventType];
  return userEvent(type, context, payload.user, []) as unknown as TerraEventMap[Type];
}

/** `auth`: a user is guaranteed unless `status` is `error` (a failed authentication may name none). */
function authEvent(context: TerraEventContext): TerraEventMap['auth'] {
  const payload = context.payload as TerraPayloadMap['auth'];
  const user = payload.user ?? undefined;
  return {
    ...base('auth', context),
    records: [],
    status: payload.status ?? undefined,
    userId: user?.user_id,
    user,
    dataProvider: user?.provider ?? undefined,
    referenceId: user?.reference_id ?? undefined,
  };
}

function informationalEvent<Type extends TerraInformationalEventType>(type: Type, context: TerraEventContext): TerraEventMap[Type] {
  return { ...base(type, context), records: [] } as unknown as TerraEventMap[Type];
}

/**
 * A data event (`activity`, `sleep`, ...). `records` is computed on first access and kept (see
 * `LazyEvent`); everything else is read out when the event is built.
 */
class LazyTerraDataEvent extends LazyEvent {
  readonly provider = 'terra';
  readonly type: TerraDataEventType;
  readonly deliveryKey: string;
  readonly receivedAt: Date;
  readonly payload: TerraPayloadMap[TerraDataEventType];
  readonly drift: Drift | undefined;
  readonly reference: string | undefined;
  readonly userId: string;
  readonly user: TerraUser;
  readonly dataProvider: string | undefined;
  readonly referenceId: string | undefined;
  readonly #version: number | undefined;
  #records: readonly RecordRef[] | undefined;

  constructor(type: TerraDataEventType, context: TerraEventContext) {
    super();
    const payload = context.payload as TerraPayloadMap[TerraDataEventType];
    const { user } = payload;
    this.type = type;
    this.deliveryKey = context.deliveryKey;
    this.receivedAt = context.receivedAt;
    this.payload = payload;
    this.drift = context.drift;
    this.reference = context.context?.[TERRA_CONTEXT_KEYS.reference];
    this.userId = user.user_id;
    this.user = user;
    this.dataProvider = user.provider ?? undefined;
    this.referenceId = user.reference_id ?? undefined;
    this.#version = versionOf(type, context);
  }

  get records(): readonly RecordRef[] {
    // Each data type keys its own item shape; `toTerraEvent` guarantees `type` matches `payload`.
    return (this.#records ??= terraRecordRefs(
      this.type as 'activity',
      this.userId,
      this.payload.data as TerraPayloadMap['activity']['data'],
      this.#version,
    ));
  }

  protected lazyFields(): object {
    return { records: this.records };
  }
}

function dataEvent<Type extends TerraDataEventType>(type: Type, context: TerraEventContext): TerraEventMap[Type] {
  return new LazyTerraDataEvent(type, context) as unknown as TerraEventMap[Type];
}

function athleteEvent(context: TerraEventContext): TerraEventMap['athlete'] {
  const payload = context.payload as TerraPayloadMap['athlete'];
  const records = [terraAthleteRecordRef(payload.user.user_id, payload.athlete)];
  return { ...userEvent('athlete', context, payload.user, records), athlete: payload.athlete };
}

function userReauthEvent(context: TerraEventContext): TerraEventMap['user_reauth'] {
  const payload = context.payload as TerraPayloadMap['user_reauth'];
  return { ...userEvent('user_reauth', context, payload.new_user, []), oldUserId: payload.old_user?.user_id };
}

function authCancelledEvent(context: TerraEventContext): TerraEventMap['auth_cancelled'] {
  const payload = context.payload as TerraPayloadMap['auth_cancelled'];
  return {
    ...base('auth_cancelled', context),
    records: [],
    referenceId: payload.reference_id ?? undefined,
    reason: payload.reason ?? undefined,
  };
}

function s3Event<Type extends 's3_payload' | 's3_upload'>(type: Type, context: TerraEventContext): TerraEventMap[Type] {
  const payload = context.payload as TerraPayloadMap[Type];
  const expiresIn = typeof payload.expires_in === 'number' && Number.isFinite(payload.expires_in) ? payload.expires_in : undefined;
  return {
    ...base(type, context),
    records: [],
    url: payload.url,
    expiresIn,
    expiresAt: expiresIn === undefined ? undefined : new Date(context.receivedAt.getTime() + expiresIn * 1000),
  } as unknown as TerraEventMap[Type];
}

function largeRequestEvent<Type extends 'large_request_sending' | 'large_request_processing'>(
  type: Type,
  context: TerraEventContext,
): TerraEventMap[Type] {
  const payload = context.payload as TerraPayloadMap['large_request_sending'] | TerraPayloadMap['large_request_processing'];
  return {
    ...userEvent(type, context, payload.user, []),
    reference: payload.reference ?? context.context?.[TERRA_CONTEXT_KEYS.reference],
    expectedPayloads: ('expected_payloads' in payload ? payload.expected_payloads : undefined) ?? undefined,
  } as unknown as TerraEventMap[Type];
}

function labReportEvent<Type extends 'lab_report.completed' | 'lab_report.failed'>(type: Type, context: TerraEventContext): TerraEventMap[Type] {
  const payload = context.payload as TerraPayloadMap[Type];
  const occurredAt = terraEpochMs(payload.occurred_at);
  return {
    ...base(type, context),
    records: [],
    eventId: payload.event_id ?? undefined,
    occurredAt: occurredAt === undefined ? undefined : new Date(occurredAt),
    sessionId: payload.data.session_id ?? undefined,
    referenceId: payload.data.reference_id ?? undefined,
  } as unknown as TerraEventMap[Type];
}
