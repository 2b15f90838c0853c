/**
 * Natural keys of Terra records, so a store keeps one row per summary however often Terra re-sends it.
 *
 * Identity (per Terra `user.user_id`):
 * - activity, sleep, health observations: `metadata.summary_id`. Sleep's is optional in the spec; a
 *   sleep without one is keyed by its start instant (`start:<epoch ms>`), the only stable part left.
 * - daily, body, menstruation, nutrition: the calendar date of `metadata.start_time` as written (the
 *   user's local day; see `terraDatePart`), falling back to the whole `start_time`.
 * - athlete: one record per user (key `athlete`).
 * - hormone samples: their timestamp, as epoch milliseconds.
 * - planned workouts: `planned_workout_id`, else `workout_id`, else `provider_workout_id`; a planned
 *   workout with none of them has no identity and produces no record.
 *
 * Versions: the delivery's `x-terra-ordering-timestamp` (clamped to the signed send time, see
 * delivery-context.ts) for activity, nutrition, daily, sleep, menstruation and body, the types Terra's
 * spec says it orders; else `undefined`, and the later delivery wins. The payloads' own timestamps do
 * not order versions: `metadata.end_time` is the end of the period, `user.last_webhook_update`
 * is about the user, not this record, and fields such as menstruation's `last_updated_time` or a
 * planned workout's `last_updated_at` are optional, and a record that is versioned on one delivery
 * and not on the next would never be replaced (a numeric version always outranks none).
 *
 * Lab reports, S3 links and connection notices carry no records: lab reports name no Terra user, and
 * the others describe the connection or point to data delivered elsewhere.
 */
import type { RecordRef } from '../../events/webhook-event.js';
import type {
  Activity,
  Athlete,
  Body,
  Daily,
  HealthObservation,
  HormoneSample,
  Menstruation,
  Nutrition,
  PlannedWorkout,
  Sleep,
} from './generated/types.js';
import { terraDatePart, terraEpochMs } from './timestamps.js';

/** Record kinds of Terra data. */
export const TERRA_RECORD_KINDS = {
  activity: 'terra.activity',
  sleep: 'terra.sleep',
  daily: 'terra.daily',
  body: 'terra.body',
  menstruation: 'terra.menstruation',
  nutrition: 'terra.nutrition',
  athlete: 'terra.athlete',
  health_observation: 'terra.health_observation',
  hormone: 'terra.hormone',
  planned_workout: 'terra.planned_workout',
} as const;

/** Data event types whose `data` items are records, and the payload item each holds. */
interface TerraRecordItems {
  activity: Activity;
  sleep: Sleep;
  daily: Daily;
  body: Body;
  menstruation: Menstruation;
  nutrition: Nutrition;
  health_observation: HealthObservation;
  hormone: HormoneSample;
  planned_workout: PlannedWorkout;
}

/** The athlete is the user's own record: one per user. */
export const TERRA_ATHLETE_RECORD_KEY = 'athlete';

type KeyOf<Item> = (item: Item) => string | undefined;

const keyOfDay: KeyOf<{ readonly metadata: { readonly start_time: string } }> = (item) =>
  terraDatePart(item.metadata.start_time) ?? item.metadata.start_time;

const recordKeys: { readonly [Type in keyof TerraRecordItems]: KeyOf<TerraRecordItems[Type]> } = {
  activity: (item) => item.metadata.summary_id,
  // The gate guarantees one of the two.
  sleep: (item) => nonEmpty(item.metadata.summary_id) ?? startKey(item.metadata.start_time ?? ''),
  health_observation: (item) => item.metadata.summary_id,
  daily: keyOfDay,
  body: keyOfDay,
  menstruation: keyOfDay,
  nutrition: keyOfDay,
  hormone: (item) => String(terraEpochMs(item.timestamp) ?? item.timestamp),
  planned_workout: (item) => nonEmpty(item.planned_workout_id) ?? nonEmpty(item.workout_id) ?? nonEmpty(item.provider_workout_id),
};

/**
 * The natural key of one item of a data event's `data` array within (terra, kind, userId), or
 * `undefined` when the item has no identity (a planned workout without any id).
 */
export function terraRecordKey<Type extends keyof TerraRecordItems>(type: Type, item: TerraRecordItems[Type]): string | undefined {
  return (recordKeys[type] as KeyOf<TerraRecordItems[Type]>)(item);
}

/** The records of a data event's `data` array, in order; items without an identity are skipped. */
export function terraRecordRefs<Type extends keyof TerraRecordItems>(
  type: Type,
  userId: string,
  items: readonly TerraRecordItems[Type][],
  version?: number,
): RecordRef[] {
  const kind = TERRA_RECORD_KINDS[type];
  const records: RecordRef[] = [];
  for (const item of items) {
    const key = terraRecordKey(type, item);
    if (key !== undefined) records.push({ kind, userId, key, version, data: item });
  }
  return records;
}

/** The record of an `athlete` event's athlete. */
export function terraAthleteRecordRef(userId: string, athlete: Athlete): RecordRef {
  return { kind: TERRA_RECORD_KINDS.athlete, userId, key: TERRA_ATHLETE_RECORD_KEY, version: undefined, data: athlete };
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value;
}

function startKey(startTime: string): string {
  return `start:${terraEpochMs(startTime) ?? startTime}`;
}
