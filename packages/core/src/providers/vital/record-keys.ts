/**
 * Natural keys of Vital records, so a store keeps one row per summary or sample however often Vital
 * re-sends or updates it. Identity is per Vital `user_id` (not `client_user_id`, which is yours).
 *
 * - Summaries (activity, sleep, sleep_cycle, workouts, body, meal, menstrual_cycle, electrocardiogram,
 *   profile): kind `vital.<resource>`, key `data.id`, version `data.updated_at` in epoch ms, so an
 *   older update arriving late never replaces a newer one.
 * - workout_stream: kind `vital.workout_stream`, key `data.workout_id` (the event carries no stream,
 *   only the workout it belongs to), no version: the later delivery wins.
 * - Timeseries samples: kind `vital.timeseries.<resource>`, key
 *   `[source.provider, source.type, sample.type, sample timestamp]` as a JSON array, no version (samples
 *   carry no update time): the later delivery wins. `source.type` defaults to `unknown` as Vital
 *   documents. `sample.type` is null for most resources but tells apart readings that share a
 *   timestamp (cholesterol's ldl/hdl/total, an ECG lead, an alert's kind). The timestamp is keyed as
 *   epoch ms, so `Z` and `+00:00` spellings of one instant match.
 * - Devices (`provider.device.*`): `vital.device`, key `data.id`, no version.
 * - Lab test orders: `vital.labtest.order`, key `data.id`, version `data.updated_at`.
 * - Lab test appointments: `vital.labtest.appointment`, key `data.id`, no version.
 *
 * Historical-data notices, connection events, lab results, parsing jobs, match reviews and continuous
 * query changes produce no records: they are notices, or name no user.
 */
import { jsonArrayKey, jsonKeyPart } from '../../events/json-key.js';
import type { RecordRef } from '../../events/webhook-event.js';
import type { VitalSummaryEventType, VitalSummaryResource, VitalTimeseriesEventType, VitalTimeseriesResource } from './event-types.js';
import type { ClientFacingSource, VitalPayloadMap } from './generated/types.js';
import { vitalEpochMs } from './timestamps.js';

/** Record kinds of Vital data that is not a summary or timeseries resource. */
export const VITAL_RECORD_KINDS = {
  device: 'vital.device',
  labtestOrder: 'vital.labtest.order',
  labtestAppointment: 'vital.labtest.appointment',
} as const;

/** Any summary object of a `daily.data.<summary resource>.*` event. */
export type VitalSummary = VitalPayloadMap[VitalSummaryEventType]['data'];
/** Any `{ source, data }` group of a `daily.data.<timeseries resource>.*` event. */
export type VitalTimeseriesGroup = VitalPayloadMap[VitalTimeseriesEventType]['data'];
/** Any sample of a timeseries group. */
export type VitalTimeseriesSample = VitalTimeseriesGroup['data'][number];

/** The record kind of a summary resource: `vital.sleep`. */
export function vitalSummaryKind(resource: VitalSummaryResource): `vital.${VitalSummaryResource}` {
  return `vital.${resource}`;
}

/** The record kind of a timeseries resource: `vital.timeseries.heartrate`. */
export function vitalTimeseriesKind(resource: VitalTimeseriesResource): `vital.timeseries.${VitalTimeseriesResource}` {
  return `vital.timeseries.${resource}`;
}

/** The natural key of a summary: its `id`, or a workout stream's `workout_id`. */
export function vitalSummaryKey(summary: VitalSummary): string {
  return 'id' in summary ? summary.id : summary.workout_id;
}

/** The version of a summary: `updated_at` in epoch ms, or `undefined` when it has none. */
export function vitalSummaryVersion(summary: VitalSummary): number | undefined {
  return 'updated_at' in summary ? vitalEpochMs(summary.updated_at ?? undefined) : undefined;
}

/** The natural key of one timeseries sample within (vital, `vital.timeseries.<resource>`, user). */
export function vitalTimeseriesSampleKey(source: ClientFacingSource, sample: VitalTimeseriesSample): string {
  return jsonArrayKey([vitalSourceProvider(source), source.type ?? 'unknown', sample.type ?? null, vitalEpochMs(sample.timestamp) ?? sample.timestamp]);
}

/**
 * The provider part of a timeseries key: `source.provider`, else the deprecated `source.slug` that
 * older payloads and current docs examples still carry (the gate guarantees one of them).
 */
export function vitalSourceProvider(source: ClientFacingSource): string {
  return source.provider ?? source.slug ?? '';
}

/** The record of a summary; `data` is the summary as received. */
export function vitalSummaryRecordRef(resource: VitalSummaryResource, userId: string, summary: VitalSummary): RecordRef {
  return { kind: vitalSummaryKind(resource), userId, key: vitalSummaryKey(summary), version: vitalSummaryVersion(summary), data: summary };
}

/** The records of a timeseries group, one per sample, in order; `data` is the sample as received. */
export function vitalTimeseriesRecordRefs(resource: VitalTimeseriesResource, userId: string, group: VitalTimeseriesGroup): RecordRef[] {
  const kind = vitalTimeseriesKind(resource);
  // The key is `vitalTimeseriesSampleKey`'s JSON array, written piece by piece: the source's two parts
  // are the same for every sample of the group, so they are encoded once.
  const prefix = `[${jsonKeyPart(vitalSourceProvider(group.source))},${jsonKeyPart(group.source.type ?? 'unknown')},`;
  // Widened first: calling `map` on a union of 50 array types makes the compiler resolve 50 signatures.
  const samples: readonly VitalTimeseriesSample[] = group.data;
  return samples.map((sample) => ({
    kind,
    userId,
    key: `${prefix}${jsonKeyPart(sample.type)},${jsonKeyPart(vitalEpochMs(sample.timestamp) ?? sample.timestamp)}]`,
    version: undefined,
    data: sample,
  }));
}

/** A record identified by `data.id`, with `updated_at` as its version when it has one. */
export function vitalEntityRecordRef(kind: string, userId: string, entity: { readonly id: string; readonly updated_at?: string | null }): RecordRef {
  return { kind, userId, key: entity.id, version: vitalEpochMs(entity.updated_at ?? undefined), data: entity };
}
