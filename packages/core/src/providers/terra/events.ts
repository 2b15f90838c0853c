/** Builds the typed Terra event of a payload that passed its schema. */
import { LazyEvent } from '../../events/lazy-event.js';
import type { RecordRef } from '../../events/webhook-event.js';
import { headerValue, type IncomingHeaders } from '../../http/webhook-request.js';
import type { EventContext } from '../provider-definition.js';
import { TERRA_REFERENCE_HEADER } from './delivery-key.js';
import type { TerraDataEventType, TerraEventType, TerraUserNoticeEventType } from './event-types.js';
import type { TerraPayloadMap, TerraUser } from './generated/types.js';
import { terraAthleteRecordRef, terraRecordRefs } from './record-keys.js';
import { terraEpochMs } from './timestamps.js';
import type { TerraEvent, TerraEventMap } from './types.js';

/**
 * The context a receiver gives: `context.reference` is the `terra-reference` header of chunked large
 * requests (see `terraDeliveryContext`); without it `reference` is `undefined`.
 */
export type TerraEventContext = EventContext;

/** What a Terra event needs from the headers: the `terra-reference` of chunked large requests. */
export function terraDeliveryContext(headers: IncomingHeaders): Readonly<Record<string, string>> | undefined {
  const reference = headerValue(headers, TERRA_REFERENCE_HEADER);
  return reference === undefined ? undefined : { reference };
}

/**
 * The typed event for `context.type`. The payload must have passed that type's schema; this is not
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
    reference: referenceOf(context),
  } as const;
}

function referenceOf(context: TerraEventContext): string | undefined {
  return context.context?.reference;
}

function userEvent<Type extends TerraEventType>(type: Type, context: TerraEventContext, user: TerraUser, records: readonly RecordRef[]) {
  return {
    ...base(type, context),
    records,
    userId: user.user_id,
    user,
    dataProvider: user.provider,
    referenceId: user.reference_id ?? undefined,
  };
}

// The generic builders below cast through `unknown`: TypeScript cannot relate a generic `Type` to the
// matching member of the event map, though every caller passes a literal type and its own payload.

function noticeEvent<Type extends TerraUserNoticeEventType>(type: Type, context: TerraEventContext): TerraEventMap[Type] {
  const payload = context.payload as TerraPayloadMap[TerraUserNoticeEventType];
  return userEvent(type, context, payload.user, []) as unknown as TerraEventMap[Type];
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
  readonly reference: string | undefined;
  readonly userId: string;
  readonly user: TerraUser;
  readonly dataProvider: string;
  readonly referenceId: string | undefined;
  #records: readonly RecordRef[] | undefined;

  constructor(type: TerraDataEventType, context: TerraEventContext) {
    super();
    const payload = context.payload as TerraPayloadMap[TerraDataEventType];
    const { user } = payload;
    this.type = type;
    this.deliveryKey = context.deliveryKey;
    this.receivedAt = context.receivedAt;
    this.payload = payload;
    this.reference = referenceOf(context);
    this.userId = user.user_id;
    this.user = user;
    this.dataProvider = user.provider;
    this.referenceId = user.reference_id ?? undefined;
  }

  get records(): readonly RecordRef[] {
    // Each data type keys its own item shape; `toTerraEvent` guarantees `type` matches `payload`.
    return (this.#records ??= terraRecordRefs(this.type as 'activity', this.userId, this.payload.data as TerraPayloadMap['activity']['data']));
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
  return {
    ...base(type, context),
    records: [],
    url: payload.url,
    expiresIn: payload.expires_in,
    expiresAt: new Date(context.receivedAt.getTime() + payload.expires_in * 1000),
  } as unknown as TerraEventMap[Type];
}

function largeRequestEvent<Type extends 'large_request_sending' | 'large_request_processing'>(
  type: Type,
  context: TerraEventContext,
): TerraEventMap[Type] {
  const payload = context.payload as TerraPayloadMap['large_request_sending'] | TerraPayloadMap['large_request_processing'];
  return {
    ...userEvent(type, context, payload.user, []),
    reference: payload.reference,
    expectedPayloads: 'expected_payloads' in payload ? payload.expected_payloads : undefined,
  } as unknown as TerraEventMap[Type];
}

function labReportEvent<Type extends 'lab_report.completed' | 'lab_report.failed'>(type: Type, context: TerraEventContext): TerraEventMap[Type] {
  const payload = context.payload as TerraPayloadMap[Type];
  const occurredAt = terraEpochMs(payload.occurred_at);
  return {
    ...base(type, context),
    records: [],
    eventId: payload.event_id,
    occurredAt: occurredAt === undefined ? undefined : new Date(occurredAt),
    sessionId: payload.data.session_id,
    referenceId: payload.data.reference_id,
  } as unknown as TerraEventMap[Type];
}
