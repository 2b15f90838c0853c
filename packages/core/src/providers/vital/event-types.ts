/**
 * The Vital (Junction) event types wearhook knows (every one has a schema and a payload type,
 * generated from Junction's OpenAPI spec), and the resource groups the typed events are built from.
 *
 * `daily.data.<resource>.created|updated` carries data for one of 60 resources (the `daily` prefix
 * does not mean daily data). Ten resources are summaries, one object with an `id`; the other fifty
 * are timeseries, a `{ source, data: [samples] }` group. `historical.data.<resource>.created` only
 * announces that a backfill finished: the data itself is fetched from Junction's API.
 */
import { vitalEventTypes, type VitalEventType } from './generated/event-types.js';
import type { VitalPayloadMap } from './generated/types.js';

export type { VitalEventType };

/** Every Vital event type with a schema, sorted. */
export const VITAL_EVENT_TYPES = vitalEventTypes;

type DataResourceOf<Type> = Type extends `daily.data.${infer Resource}.created` ? Resource : never;

/** Every resource of the `daily.data.*` events, e.g. `sleep`, `heartrate`. */
export type VitalResource = DataResourceOf<VitalEventType>;

/** Resources whose events carry one summary object (identified by its `id`, or its workout's). */
export const VITAL_SUMMARY_RESOURCES = [
  'activity',
  'body',
  'electrocardiogram',
  'meal',
  'menstrual_cycle',
  'profile',
  'sleep',
  'sleep_cycle',
  'workout_stream',
  'workouts',
] as const satisfies readonly VitalResource[];
/** One of {@link VITAL_SUMMARY_RESOURCES}. */
export type VitalSummaryResource = (typeof VITAL_SUMMARY_RESOURCES)[number];
/** Resources whose events carry a group of timestamped samples from one source. */
export type VitalTimeseriesResource = Exclude<VitalResource, VitalSummaryResource>;

/** `daily.data.<resource>.created` and `.updated` of the given resources. */
export type VitalDataEventType<Resource extends VitalResource = VitalResource> =
  | `daily.data.${Resource}.created`
  | `daily.data.${Resource}.updated`;
export type VitalSummaryEventType = VitalDataEventType<VitalSummaryResource>;
export type VitalTimeseriesEventType = VitalDataEventType<VitalTimeseriesResource>;
/** `historical.data.<resource>.created`: a backfill of that resource finished. */
export type VitalHistoricalEventType = Extract<VitalEventType, `historical.data.${string}`>;

/** The resource an event type is about: `daily.data.sleep.created` → `sleep`. */
export type VitalResourceOf<Type extends string> = Type extends `${'daily' | 'historical'}.data.${infer Resource}.${string}` ? Resource : never;

/**
 * Svix's own operational events, sent to the same endpoint when Svix gives up on a message. Not in
 * Junction's spec; they name their type in `type`, not `event_type`.
 */
export const VITAL_SVIX_EVENT_TYPES = ['message.attempt.exhausted'] as const satisfies readonly VitalEventType[];
/** One of {@link VITAL_SVIX_EVENT_TYPES}. */
export type VitalSvixEventType = (typeof VITAL_SVIX_EVENT_TYPES)[number];

/** Event types whose payload names no user (`user_id`, `client_user_id` are absent). */
export const VITAL_USERLESS_EVENT_TYPES = [
  'labtest.match_review.created',
  'labtest.match_review.updated',
  ...VITAL_SVIX_EVENT_TYPES,
] as const satisfies readonly VitalEventType[];
export type VitalUserlessEventType = (typeof VITAL_USERLESS_EVENT_TYPES)[number];

/** Every event type whose payload type has no `user_id`; kept equal to the list above by a type test. */
export type VitalPayloadWithoutUser = {
  [Type in VitalEventType]: 'user_id' extends keyof VitalPayloadMap[Type] ? never : Type;
}[VitalEventType];

const known: ReadonlySet<string> = new Set(vitalEventTypes);
const summaries: ReadonlySet<string> = new Set(VITAL_SUMMARY_RESOURCES);
const userless: ReadonlySet<string> = new Set(VITAL_USERLESS_EVENT_TYPES);
const resourcePattern = /^(?:daily|historical)\.data\.([^.]+)\.[^.]+$/;

/** Whether `type` is one of {@link VITAL_EVENT_TYPES}. */
export function isVitalEventType(type: string): type is VitalEventType {
  return known.has(type);
}

/** The resource of a `daily.data.*` or `historical.data.*` event type, else `undefined`. */
export function vitalResourceOf(type: string): string | undefined {
  return resourcePattern.exec(type)?.[1];
}

/** Whether a resource's events carry one summary (else, for `daily.data.*`, a timeseries group). */
export function isVitalSummaryResource(resource: string): resource is VitalSummaryResource {
  return summaries.has(resource);
}

/** Whether `type` is one of Svix's operational events ({@link VITAL_SVIX_EVENT_TYPES}). */
export function isVitalSvixEventType(type: string): type is VitalSvixEventType {
  return (VITAL_SVIX_EVENT_TYPES as readonly string[]).includes(type);
}

/** Whether an event type's payload names no user. */
export function isVitalUserlessEventType(type: string): type is VitalUserlessEventType {
  return userless.has(type);
}
