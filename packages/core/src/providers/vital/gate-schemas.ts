/**
 * The gate of each Vital (Junction) event type: what wearhook itself needs to build the typed event
 * and its records. A payload that fails it is quarantined; everything else Junction's spec says is
 * checked advisorily (drift). Read by the generator, which compiles these ahead of time
 * (`generated/gate.ts`); nothing reads them at run time. What each gate guarantees is listed in
 * packages/core/VALIDATION.md.
 */
import { VITAL_SVIX_EVENT_TYPES, isVitalSummaryResource, isVitalUserlessEventType, vitalResourceOf } from './event-types.js';

const nonEmptyString = { type: 'string', minLength: 1 } as const;

/**
 * The user: top-level `user_id`, or `data.user_id` when the top-level ids are missing (lab events and
 * some current docs examples carry it only there).
 */
const user = {
  $id: 'urn:wearhook:vital-gate:user',
  anyOf: [
    { required: ['user_id'], properties: { user_id: nonEmptyString } },
    { required: ['data'], properties: { data: { type: 'object', required: ['user_id'], properties: { user_id: nonEmptyString } } } },
  ],
} as const;

function envelope(type: string, data: object | undefined, withUser: boolean): object {
  const schema = {
    type: 'object',
    required: data === undefined ? ['event_type'] : ['event_type', 'data'],
    properties: { event_type: { const: type }, ...(data === undefined ? {} : { data }) },
  };
  return withUser ? { ...schema, allOf: [{ $ref: user.$id }] } : schema;
}

/** A timeseries group: its source (provider, else the deprecated slug) and samples with timestamps. */
const timeseriesGroup = {
  $id: 'urn:wearhook:vital-gate:timeseries-group',
  type: 'object',
  required: ['source', 'data'],
  properties: {
    source: {
      type: 'object',
      anyOf: [
        { required: ['provider'], properties: { provider: nonEmptyString } },
        { required: ['slug'], properties: { slug: nonEmptyString } },
      ],
    },
    data: {
      type: 'array',
      items: { type: 'object', required: ['timestamp'], properties: { timestamp: nonEmptyString } },
    },
  },
} as const;

const withId = { type: 'object', required: ['id'], properties: { id: nonEmptyString } } as const;
const withWorkoutId = { type: 'object', required: ['workout_id'], properties: { workout_id: nonEmptyString } } as const;

/** The gate of one event type (the generator asks for every type of Junction's spec and Svix's). */
export function vitalGateSchemaOf(type: string): object {
  if ((VITAL_SVIX_EVENT_TYPES as readonly string[]).includes(type)) {
    // Svix's own operational event, discriminated by `type` rather than `event_type`.
    return { type: 'object', required: ['type'], properties: { type: { const: type }, data: { type: 'object' } } };
  }
  if (isVitalUserlessEventType(type)) return envelope(type, undefined, false);
  const resource = vitalResourceOf(type);
  if (resource !== undefined && type.startsWith('daily.data.')) {
    if (resource === 'workout_stream') return envelope(type, withWorkoutId, true);
    return envelope(type, isVitalSummaryResource(resource) ? withId : { $ref: timeseriesGroup.$id }, true);
  }
  if (type.startsWith('provider.device.') || type.startsWith('labtest.order.') || type.startsWith('labtest.appointment.')) {
    return envelope(type, withId, true);
  }
  return envelope(type, undefined, true);
}


/** The parts the gates share, compiled once and referenced by `$id`. */
export const vitalGateSharedSchemas: readonly object[] = [user, timeseriesGroup];
