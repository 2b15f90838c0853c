/** Builds the typed Vital event of a payload that passed its schema. */
import type { RecordRef } from '../../events/webhook-event.js';
import type { EventContext } from '../provider-definition.js';
import {
  isVitalEventType,
  isVitalSummaryResource,
  isVitalUserlessEventType,
  vitalResourceOf,
  type VitalEventType,
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
 */
export function toVitalEvent(context: EventContext): VitalEvent {
  const { type } = context;
  if (!isVitalEventType(type)) throw new Error(`Not a Vital event type: ${JSON.stringify(type)}`);
  const payload = context.payload as AnyPayload;
  const base = {
    provider: 'vital',
    type,
    deliveryKey: context.deliveryKey,
    receivedAt: context.receivedAt,
    payload,
    teamId: payload.team_id,
  } as const;
  if (isVitalUserlessEventType(type)) return { ...base, records: [] } as unknown as VitalEvent;

  const user = payload as UserPayload;
  const withUser = { ...base, userId: user.user_id, clientUserId: user.client_user_id };
  return { ...withUser, ...details(type, user) } as unknown as VitalEvent;
}

/** The fields beyond the user envelope, by event group. */
function details(type: VitalEventType, payload: UserPayload): { readonly records: readonly RecordRef[] } & Record<string, unknown> {
  const resource = vitalResourceOf(type);
  const userId = payload.user_id;
  if (resource !== undefined && type.startsWith('daily.data.')) {
    if (isVitalSummaryResource(resource)) {
      const summary = payload.data as VitalSummary;
      return { resource, summary, records: [vitalSummaryRecordRef(resource, userId, summary)] };
    }
    const group = payload.data as VitalTimeseriesGroup;
    const records = vitalTimeseriesRecordRefs(resource as VitalTimeseriesResource, userId, group);
    return { resource, source: group.source, samples: group.data, records };
  }
  if (resource !== undefined) {
    const data = (payload as VitalPayloadMap['historical.data.sleep.created']).data;
    return {
      resource,
      dataProvider: data.provider,
      start: dateOf(data.start_date),
      end: dateOf(data.end_date),
      isFinal: data.is_final,
      records: [],
    };
  }
  switch (type) {
    case 'provider.connection.created':
      return { dataProvider: (payload as VitalPayloadMap[typeof type]).data.provider.slug, records: [] };
    case 'provider.connection.error': {
      const { data } = payload as VitalPayloadMap[typeof type];
      return { dataProvider: data.provider, errorType: data.error_type, errorMessage: data.message, records: [] };
    }
    case 'provider.device.created':
    case 'provider.device.updated':
      return { records: [vitalEntityRecordRef(VITAL_RECORD_KINDS.device, userId, (payload as VitalPayloadMap[typeof type]).data)] };
    case 'labtest.order.created':
    case 'labtest.order.updated':
      return { records: [vitalEntityRecordRef(VITAL_RECORD_KINDS.labtestOrder, userId, (payload as VitalPayloadMap[typeof type]).data)] };
    case 'labtest.appointment.created':
    case 'labtest.appointment.updated':
      return {
        records: [vitalEntityRecordRef(VITAL_RECORD_KINDS.labtestAppointment, userId, (payload as VitalPayloadMap[typeof type]).data)],
      };
    default:
      return { records: [] };
  }
}

function dateOf(value: string): Date | undefined {
  const ms = vitalEpochMs(value);
  return ms === undefined ? undefined : new Date(ms);
}
