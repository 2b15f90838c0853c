import { terraSamples, terraTestDelivery, thryveTestDelivery, vitalSamples, vitalTestDelivery } from '@wearhook/core/testing';
import { createHash } from 'node:crypto';

/**
 * Deliveries for the process tests: each carries exactly one record (so a record effect maps to one
 * delivery), signed at send time (so a retry minutes later is still fresh), and knows its expected
 * delivery key and record identity as the providers' documentation defines them.
 */

export const PROCESS_SECRETS = {
  THRYVE_HMAC_SECRET: 'process-thryve-secret',
  TERRA_SIGNING_SECRET: 'process-terra-secret',
  VITAL_WEBHOOK_SECRET: 'whsec_cHJvY2Vzcy12aXRhbC1zZWNyZXQ=',
} as const;

export type ProcessProvider = 'thryve' | 'terra' | 'vital';

export interface RecordIdentity {
  readonly provider: ProcessProvider;
  readonly kind: string;
  readonly userId: string;
  readonly key: string;
}

export interface VersionedDelivery {
  readonly provider: ProcessProvider;
  readonly path: string;
  /** The delivery key wearhook must derive (dedupe identity across retries). */
  readonly deliveryKey: string;
  readonly record: RecordIdentity;
  /** Orders the versions of one record: the payload's own update/creation time, epoch ms. */
  readonly version: number;
  /** The version the store keeps for it: `version`, or `undefined` for versionless records (Terra). */
  readonly storedVersion: number | undefined;
  /** The record data the store must keep when this version wins. */
  readonly data: unknown;
  /** Signs it now: the same body and id on every call, a fresh timestamp. */
  sign(): { body: Buffer; headers: Record<string, string> };
}

export function identityString(record: RecordIdentity): string {
  return JSON.stringify([record.provider, record.userId, record.kind, record.key]);
}

const SECOND = 1000;

/**
 * Version `version` (0-based) of a Vital sleep summary: same `data.id`, `updated_at` one minute later
 * per version, a different score. `svix-id` is unique per version.
 */
export function vitalSleepVersion(options: { userId: string; summaryId: string; version: number; runId: string }): VersionedDelivery {
  const sample = vitalSamples['daily.data.sleep.created']();
  const updatedAtMs = Date.parse('2024-05-01T08:00:00Z') + options.version * 60 * SECOND;
  const updatedAt = new Date(updatedAtMs).toISOString().replace('Z', '+00:00');
  const data = { ...sample.data, id: options.summaryId, user_id: options.userId, updated_at: updatedAt, score: 50 + options.version };
  const payload = { ...sample, user_id: options.userId, data };
  const id = `msg_${options.runId}_${options.summaryId}_v${options.version}`;
  return {
    provider: 'vital',
    path: '/webhooks/vital',
    deliveryKey: `vital:${id}`,
    record: { provider: 'vital', kind: 'vital.sleep', userId: options.userId, key: options.summaryId },
    version: updatedAtMs,
    storedVersion: updatedAtMs,
    data,
    sign: () => vitalTestDelivery('daily.data.sleep.created', { secret: PROCESS_SECRETS.VITAL_WEBHOOK_SECRET, id, payload: payload as never }),
  };
}

/**
 * Version `version` (0-based) of one Thryve epoch point: same identity (data source, third-party
 * source, data type, start, generation type), `creationTimestamp` one minute later per version, a
 * different value. zstd-compressed, as Thryve pushes data.
 */
export function thryveEpochVersion(options: { endUserId: string; startIndex: number; version: number }): VersionedDelivery {
  const startMs = Date.parse('2024-05-01T00:00:00Z') + options.startIndex * 60 * SECOND;
  const creationMs = startMs + 3600 * SECOND + options.version * 60 * SECOND;
  const point = {
    startTimestamp: new Date(startMs).toISOString(),
    endTimestamp: new Date(startMs + 60 * SECOND).toISOString(),
    timezoneOffset: 0,
    dataTypeId: 1000,
    value: String(100 + options.version),
    additionalDetails: {
      creationTimestamp: new Date(creationMs).toISOString(),
      dataTypeName: 'Steps',
      valueType: 'DOUBLE',
      thirdPartyDataSourceId: 1,
      generationType: 'AUTOMATED_MEASUREMENT',
    },
  };
  const payload = {
    endUserId: options.endUserId,
    endUserAlias: `alias-${options.endUserId}`,
    timestampType: 'ISO',
    type: 'event.data.epoch.create',
    data: { dataSourceId: 5, dataSourceName: 'Apple', epochData: [point] },
  };
  const json = Buffer.from(JSON.stringify(payload));
  return {
    provider: 'thryve',
    path: '/webhooks/thryve',
    // Thryve sends no delivery id: the key is a hash of the decoded body, so a retry has the same one.
    deliveryKey: `thryve:sha256:${createHash('sha256').update(json).digest('hex')}`,
    record: {
      provider: 'thryve',
      kind: 'thryve.epoch',
      userId: options.endUserId,
      key: JSON.stringify([5, 1, 1000, startMs, 'AUTOMATED_MEASUREMENT']),
    },
    version: creationMs,
    storedVersion: creationMs,
    data: point,
    sign: () => thryveTestDelivery('event.data.epoch.create', { secret: PROCESS_SECRETS.THRYVE_HMAC_SECRET, payload: payload as never }),
  };
}

/**
 * A Terra sleep summary with its own `metadata.summary_id` and `X-Terra-Trace-Id`. Terra payloads carry
 * no version, so each summary is sent in one version only (a versionless record's newest is the last
 * received, which duplicates and concurrency make meaningless to assert).
 */
export function terraSleep(options: { userId: string; summaryId: string; runId: string }): VersionedDelivery {
  const sample = terraSamples.sleep();
  const item = { ...sample.data[0]!, metadata: { ...sample.data[0]!.metadata, summary_id: options.summaryId } };
  const payload = { ...sample, user: { ...sample.user, user_id: options.userId }, data: [item] };
  const traceId = `${options.runId}-trace-${options.summaryId}`;
  return {
    provider: 'terra',
    path: '/webhooks/terra',
    // hostile (issue 10, D6): Terra's key is the body's SHA-256; the unsigned trace id is not used.
    deliveryKey: `terra:sha256:${createHash('sha256').update(JSON.stringify(payload)).digest('hex')}`,
    record: { provider: 'terra', kind: 'terra.sleep', userId: options.userId, key: options.summaryId },
    version: 0,
    storedVersion: undefined,
    data: item,
    sign: () => terraTestDelivery('sleep', { secret: PROCESS_SECRETS.TERRA_SIGNING_SECRET, traceId, payload: payload as never }),
  };
}

/** The newest version of every record among `deliveries`, by identity. */
export function newestByRecord(deliveries: Iterable<VersionedDelivery>): Map<string, VersionedDelivery> {
  const newest = new Map<string, VersionedDelivery>();
  for (const delivery of deliveries) {
    const id = identityString(delivery.record);
    const current = newest.get(id);
    if (current === undefined || delivery.version > current.version) newest.set(id, delivery);
  }
  return newest;
}
