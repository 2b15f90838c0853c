/**
 * Natural keys of Thryve data points, so a store keeps one row per point however often Thryve
 * re-sends or updates it.
 *
 * Identity (per endUserId), from Thryve's docs:
 * - epoch: dataSourceId, thirdPartyDataSourceId, dataTypeId, startTimestamp, generationType. The end
 *   and the value are not part of it: Thryve updates a point when either changes.
 * - daily: dataSourceId, dataTypeId, day.
 * Epoch and daily points are different kinds because one id means different things in each
 * (2000 is SleepStateBinary in epoch data and SleepDuration in daily data).
 *
 * The start is keyed as epoch milliseconds and the day as `YYYY-MM-DD`, so the ISO and the unix
 * delivery of one point share a key. Absent optional parts are `null` in the key, and the parts are
 * joined as a JSON array, so no value can run into its neighbour.
 *
 * Notifications and legacy source updates carry no data points and produce no records: they announce
 * data to be fetched from Thryve's API, and storing that data is the application's business.
 */
import { jsonArrayKey } from '../../events/json-key.js';
import type { RecordRef } from '../../events/webhook-event.js';
import { isThryveIntegerId, thryveId } from './ids.js';
import type { ThryveDailyPoint, ThryveEpochPoint } from './types.js';

/** Record kinds of Thryve data points. */
export const THRYVE_RECORD_KINDS = { epoch: 'thryve.epoch', daily: 'thryve.daily' } as const;

/** The natural key of an epoch point within (thryve, `thryve.epoch`, endUserId). */
export function thryveEpochRecordKey(point: ThryveEpochPoint): string {
  return jsonArrayKey([
    point.dataSourceId,
    idKeyPart(point.details?.thirdPartyDataSourceId),
    point.dataTypeId,
    point.start.getTime(),
    point.details?.generationType ?? null,
  ]);
}

/**
 * An optional id as a key part: a number, also when sent as a string of digits (as Thryve's other ids
 * are by some senders: both must give one key); anything else as it is, absent as `null`.
 */
function idKeyPart(value: unknown): unknown {
  return isThryveIntegerId(value) ? thryveId(value) : (value ?? null);
}

/** The natural key of a daily point within (thryve, `thryve.daily`, endUserId). */
export function thryveDailyRecordKey(point: ThryveDailyPoint): string {
  return jsonArrayKey([point.dataSourceId, point.dataTypeId, point.day]);
}

/**
 * The version of a point: `additionalDetails.creationTimestamp` (when Thryve received this version) in
 * epoch milliseconds, read from the point's `createdAt`, which holds it already normalised. Without it
 * (additional details are a dashboard setting that can be switched off): `receivedAtMs`, when the
 * delivery carrying the point was received, which is later than Thryve's receipt of the same data, so
 * a point sent after details were switched off still replaces one stored with a creation timestamp
 * (as a versionless record it never would: a numeric version always beats none). `undefined` when
 * neither is known.
 */
export function thryvePointVersion(point: ThryveEpochPoint | ThryveDailyPoint, receivedAtMs?: number): number | undefined {
  return point.createdAt?.getTime() ?? receivedAtMs;
}

/** The record of an epoch point; `data` is the point as received. */
export function thryveEpochRecordRef(endUserId: string, point: ThryveEpochPoint, receivedAtMs?: number): RecordRef {
  return {
    kind: THRYVE_RECORD_KINDS.epoch,
    userId: endUserId,
    key: thryveEpochRecordKey(point),
    version: thryvePointVersion(point, receivedAtMs),
    data: point.raw,
  };
}

/** The record of a daily point; `data` is the point as received. */
export function thryveDailyRecordRef(endUserId: string, point: ThryveDailyPoint, receivedAtMs?: number): RecordRef {
  return {
    kind: THRYVE_RECORD_KINDS.daily,
    userId: endUserId,
    key: thryveDailyRecordKey(point),
    version: thryvePointVersion(point, receivedAtMs),
    data: point.raw,
  };
}
