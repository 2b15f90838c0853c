/** Builds the typed Vital event of a payload that passed its schema. */
import { LazyEvent } from '../../events/lazy-event.js';
import type { RecordRef } from '../../events/webhook-event.js';
import type { Drift } from '../../validation/drift.js';
import type { EventContext } from '../provider-definition.js';
import {
  isVitalEventType,
  isVitalSummaryResource,
  isVitalUserlessEventType,
  vitalResourceOf,
  type VitalEventType,
  type VitalSummaryResource,
  type VitalTimeseriesResource,
  type VitalUserlessEventType,
} from './event-types.js';
import type { VitalPayloadMap } from './generated/types.js';
import {
  VITAL_RECORD_KINDS,
  vitalEntityRecordRef,
  vitalSummaryRecordRef,
  vitalTimeseriesRecordRefs,
  type VitalSummary,
  type VitalTimeseriesGroup,
} from './record-keys.js';
import { vitalEpochMs } from './timestamps.js';
import type { VitalEvent } from './types.js';

type AnyPayload = VitalPayloadMap[VitalEventType];
type UserPayload = Exclude<AnyPayload, VitalPayloadMap[VitalUserlessEventType]>;

/**
 * The typed event for `context.type`. The payload must have passed that type's schema; this is not
 * checked again. Throws for a type that is not Vital's.
 *
 * Built by the event type's group rather than by a case per type (there are 194); the event map in
 * `types.ts` states what each group's event holds, and the tests check every type against it.
 * Events that carry records compute them on first access (see `LazyEvent`).
 */
export function toVitalEvent(context: EventContext): VitalEvent {
  const { type } = context;
  const group = groupOf(type);
  const payload = context.payload as AnyPayload;
  switch (group.kind) {
    case 'timeseries':
      return new LazyVitalTimeseriesEvent(type as VitalEventType, context, group.resource as VitalTimeseriesResource) as unknown as VitalEvent;
    case 'summary':
      return new LazyVitalSummaryEvent(type as VitalEventType, context, group.resource as VitalSummaryResource) as unknown as VitalEvent;
    case 'entity':
      return new LazyVitalEntityEvent(type as VitalEventType, context, group.recordKind) as unknown as VitalEvent;
    case 'userless':
      return { ...baseOf(type as VitalEventType, context, payload), records: [] } as unknown as VitalEvent;
    case 'other': {
      const user = payload as UserPayload;
      const withUser = { ...baseOf(type as VitalEventType, context, payload), userId: vitalUserIdOf(user), clientUserId: user.client_user_id ?? undefined };
      return { ...withUser, ...details(type as VitalEventType, group.resource, user) } as unknown as VitalEvent;
    }
  }
}

/** How an event type's event is built; worked out once per type. */
type Group =
  | { readonly kind: 'timeseries' | 'summary'; readonly resource: string }
  | { readonly kind: 'entity'; readonly recordKind: string }
  | { readonly kind: 'userless' }
  | { readonly kind: 'other'; readonly resource: string | undefined };

const groups = new Map<string, Group>();

function groupOf(type: string): Group {
  let group = groups.get(type);
  if (group === undefined) {
    // Only known types are cached, so the map never holds more than the 194 of them.
    if (!isVitalEventType(type)) throw new Error(`Not a Vital event type: ${JSON.stringify(type)}`);
    group = classify(type);
    groups.set(type, group);
  }
  return group;
}

function classify(type: VitalEventType): Group {
  if (isVitalUserlessEventType(type)) return { kind: 'userless' };
  const resource = vitalResourceOf(type);
  if (resource !== undefined && type.startsWith('daily.data.')) {
    return { kind: isVitalSummaryResource(resource) ? 'summary' : 'timeseries', resource };
  }
  switch (type) {
    case 'provider.device.created':
    case 'provider.device.updated':
      return { kind: 'entity', recordKind: VITAL_RECORD_KINDS.device };
    case 'labtest.order.created':
    case 'labtest.order.updated':
      return { kind: 'entity', recordKind: VITAL_RECORD_KINDS.labtestOrder };
    case 'labtest.appointment.created':
    case 'labtest.appointment.updated':
      return { kind: 'entity', recordKind: VITAL_RECORD_KINDS.labtestAppointment };
    default:
      return { kind: 'other', resource };
  }
}

function baseOf(type: VitalEventType, context: EventContext, payload: AnyPayload) {
  const teamId = 'team_id' in payload ? (payload.team_id ?? undefined) : undefined;
  return { provider: 'vital', type, deliveryKey: context.deliveryKey, receivedAt: context.receivedAt, drift: context.drift, payload, teamId } as const;
}

/**
 * The user of a payload that passed its gate: top-level `user_id`, else `data.user_id` (the gate
 * guarantees one of them is a non-empty string).
 */
export function vitalUserIdOf(payload: { readonly user_id?: string | null; readonly data?: unknown }): string {
  if (typeof payload.user_id === 'string' && payload.user_id !== '') return payload.user_id;
  const data = payload.data as { readonly user_id?: unknown } | null | undefined;
  return typeof data?.user_id === 'string' ? data.user_id : '';
}

/** The fields every event about a user has; `records` is computed on first access by the subclass. */
abstract class LazyVitalUserEvent extends LazyEvent {
  readonly provider = 'vital';
  readonly type: VitalEventType;
  readonly deliveryKey: string;
  readonly receivedAt: Date;
  readonly drift: Drift | undefined;
  readonly payload: UserPayload;
  readonly teamId: string | undefined;
  readonly userId: string;
  readonly clientUserId: string | undefined;
  #records: readonly RecordRef[] | undefined;

  constructor(type: VitalEventType, context: EventContext) {
    super();
    const payload = context.payload as UserPayload;
    this.type = type;
    this.deliveryKey = context.deliveryKey;
    this.receivedAt = context.receivedAt;
    this.drift = context.drift;
    this.payload = payload;
    this.teamId = payload.team_id ?? undefined;
    this.userId = vitalUserIdOf(payload);
    this.clientUserId = payload.client_user_id ?? undefined;
  }

  protected abstract recordsOf(): readonly RecordRef[];

  get records(): readonly RecordRef[] {
    return (this.#records ??= this.recordsOf());
  }

  protected lazyFields(): object {
    return { records: this.records };
  }
}

/** `daily.data.<timeseries resource>.*`: one record per sample. */
class LazyVitalTimeseriesEvent extends LazyVitalUserEvent {
  readonly resource: VitalTimeseriesResource;
  readonly source: VitalTimeseriesGroup['source'];
  readonly samples: VitalTimeseriesGroup['data'];

  constructor(type: VitalEventType, context: EventContext, resource: VitalTimeseriesResource) {
    super(type, context);
    const group = this.payload.data as VitalTimeseriesGroup;
    this.resource = resource;
    this.source = group.source;
    this.samples = group.data;
  }

  protected recordsOf(): readonly RecordRef[] {
    return vitalTimeseriesRecordRefs(this.resource, this.userId, this.payload.data as VitalTimeseriesGroup);
  }
}

/** `daily.data.<summary resource>.*`: the summary is the one record. */
class LazyVitalSummaryEvent extends LazyVitalUserEvent {
  readonly resource: VitalSummaryResource;
  readonly summary: VitalSummary;

  constructor(type: VitalEventType, context: EventContext, resource: VitalSummaryResource) {
    super(type, context);
    this.resource = resource;
    this.summary = this.payload.data as VitalSummary;
  }

  protected recordsOf(): readonly RecordRef[] {
    return [vitalSummaryRecordRef(this.resource, this.userId, this.summary)];
  }
}

/** Devices, lab test orders and appointments: `data` is the one record, keyed by its `id`. */
class LazyVitalEntityEvent extends LazyVitalUserEvent {
  readonly #recordKind: string;

  constructor(type: VitalEventType, context: EventContext, recordKind: string) {
    super(type, context);
    this.#recordKind = recordKind;
  }

  protected recordsOf(): readonly RecordRef[] {
    const entity = (this.payload as VitalPayloadMap['provider.device.created' | 'labtest.order.created' | 'labtest.appointment.created']).data;
    return [vitalEntityRecordRef(this.#recordKind, this.userId, entity)];
  }
}

/** The fields beyond the user envelope of the events without records, by event group. */
function details(type: VitalEventType, resource: string | undefined, payload: UserPayload): { readonly records: readonly RecordRef[] } & Record<string, unknown> {
  if (resource !== undefined) {
    const data = (payload as VitalPayloadMap['historical.data.sleep.created']).data ?? undefined;
    return {
      resource,
      dataProvider: data?.provider ?? undefined,
      start: dateOf(data?.start_date),
      end: dateOf(data?.end_date),
      isFinal: data?.is_final ?? undefined,
      records: [],
    };
  }
  switch (type) {
    case 'provider.connection.created': {
      // Vital's docs send the provider as `data.provider.slug`; some of its examples as `data.source.slug`.
      const data = (payload as VitalPayloadMap[typeof type]).data as { provider?: { slug?: string | null } | null; source?: { slug?: string | null } | null } | null | undefined;
      return { dataProvider: data?.provider?.slug ?? data?.source?.slug ?? undefined, records: [] };
    }
    case 'provider.connection.error': {
      const data = (payload as VitalPayloadMap[typeof type]).data ?? undefined;
      return {
        dataProvider: data?.provider ?? undefined,
        errorType: data?.error_type ?? undefined,
        errorMessage: data?.message ?? undefined,
        records: [],
      };
    }
    default:
      return { records: [] };
  }
}

function dateOf(value: string | null | undefined): Date | undefined {
  const ms = vitalEpochMs(value);
  return ms === undefined ? undefined : new Date(ms);
}
