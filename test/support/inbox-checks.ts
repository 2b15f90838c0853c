import type { StoredRecord, WebhookStore } from '@wearhook/core/stores';
import { expect } from 'vitest';
import { identityString, newestByRecord, type ProcessProvider, type VersionedDelivery } from './process-deliveries.js';

/** What the apps printed, by process: `handled` and `effect` lines of test/processes/fixtures/inbox-server.ts or an example. */
export interface ProcessLines {
  readonly name: string;
  readonly lines: readonly Record<string, unknown>[];
}

interface HandledLine {
  provider: string;
  type: string;
  deliveryKey: string;
}

interface EffectLine {
  provider: string;
  records: { kind: string; userId: string; key: string; version: number | null }[];
  applied: number;
}

/** Handled delivery keys, with the names of the processes that handled each (one entry per line). */
export function handledBy(processes: readonly ProcessLines[]): Map<string, string[]> {
  const handled = new Map<string, string[]>();
  for (const { name, lines } of processes) {
    for (const line of lines) {
      // The example apps print the event itself; the inbox server wraps it in `handled`.
      const event = (line.handled ?? ('deliveryKey' in line ? line : undefined)) as HandledLine | undefined;
      if (event === undefined) continue;
      const list = handled.get(event.deliveryKey) ?? [];
      list.push(name);
      handled.set(event.deliveryKey, list);
    }
  }
  return handled;
}

export function effectLines(processes: readonly ProcessLines[]): EffectLine[] {
  return processes.flatMap(({ lines }) => lines.flatMap((line) => (line.effect === undefined ? [] : [line.effect as EffectLine])));
}

export interface InboxExpectations {
  /** Every distinct delivery that was sent (each must have been acknowledged in the end). */
  readonly deliveries: readonly VersionedDelivery[];
  /** Delivery keys that got a 204 at least once. */
  readonly acknowledged: ReadonlySet<string>;
  readonly processes: readonly ProcessLines[];
  /**
   * How many deliveries may legitimately be handled twice: those a killed process had claimed and
   * finished handling but not yet marked complete (at most its in-flight count). 0 without a crash.
   */
  readonly maxRedispatched: number;
  /** Whether effect lines were printed (the inbox server does; the examples do not). */
  readonly effectsPrinted: boolean;
  /**
   * Whether the app keeps records (`storeRecords: true`: the inbox server does; the examples, as
   * shipped, do not). Without, the store must hold none of the deliveries' records.
   */
  readonly recordsStored: boolean;
}

export interface InboxSummary {
  readonly acknowledged: number;
  readonly handledLines: number;
  readonly handledTwice: number;
  readonly appliedEffects: number;
  readonly records: number;
  readonly totalRevisions: number;
}

/**
 * The durability and exactly-once checks shared by the crash and the PostgreSQL tests, against the
 * processes' output and the store's final state:
 * - every acknowledged delivery was handled at least once, and is `completed` in the store;
 * - nothing was handled twice except what a crash allows (and then once per process);
 * - no record effect was applied twice: no (record, version) upsert applied more than once, each
 *   record's `revision` equals the number of applied upserts of it and never exceeds its number of
 *   distinct versions;
 * - every record holds its newest version and that version's data.
 * The record checks need `recordsStored`; without it, the store must hold no record of any user sent.
 */
export async function expectInboxConsistent(store: WebhookStore, expected: InboxExpectations): Promise<InboxSummary> {
  const byKey = new Map(expected.deliveries.map((delivery) => [delivery.deliveryKey, delivery]));
  const handled = handledBy(expected.processes);

  // Everything sent was acknowledged in the end (the tests retry like providers do).
  const unacknowledged = [...byKey.keys()].filter((key) => !expected.acknowledged.has(key));
  expect(unacknowledged, 'deliveries never acknowledged').toEqual([]);

  // At least once: every acknowledged delivery handled, and completed in the store.
  const notHandled = [...expected.acknowledged].filter((key) => !handled.has(key));
  expect(notHandled, 'acknowledged deliveries that were never handled').toEqual([]);
  const unknownHandled = [...handled.keys()].filter((key) => !byKey.has(key));
  expect(unknownHandled, 'handled keys that were never sent').toEqual([]);
  const notCompleted: string[] = [];
  for (const delivery of expected.deliveries) {
    const stored = await store.get(delivery.provider, delivery.deliveryKey);
    if (stored?.state !== 'completed') notCompleted.push(`${delivery.deliveryKey}: ${stored?.state ?? 'missing'}`);
  }
  expect(notCompleted, 'acknowledged deliveries not completed in the store').toEqual([]);

  // Duplicates are acknowledged without a second dispatch; only a crash may re-dispatch, once.
  const twice = [...handled.entries()].filter(([, names]) => names.length > 1);
  expect(twice.length, `deliveries handled more than once: ${JSON.stringify(twice.slice(0, 5))}`).toBeLessThanOrEqual(expected.maxRedispatched);
  for (const [key, names] of twice) {
    expect(new Set(names).size, `${key} handled twice by one process: ${names.join(', ')}`).toBe(names.length);
  }

  // Record effects exactly once.
  const appliedByRecord = new Map<string, number>();
  if (expected.effectsPrinted) {
    const appliedVersions = new Map<string, number>();
    for (const effect of effectLines(expected.processes)) {
      expect(effect.records, 'one record per delivery in these tests').toHaveLength(1);
      const record = effect.records[0]!;
      expect(effect.applied).toBeLessThanOrEqual(1);
      if (effect.applied === 0) continue;
      const identity = identityString({ provider: effect.provider as ProcessProvider, kind: record.kind, userId: record.userId, key: record.key });
      const versionKey = `${identity}@${record.version}`;
      appliedVersions.set(versionKey, (appliedVersions.get(versionKey) ?? 0) + 1);
      appliedByRecord.set(identity, (appliedByRecord.get(identity) ?? 0) + 1);
    }
    const appliedTwice = [...appliedVersions.entries()].filter(([, count]) => count > 1);
    expect(appliedTwice, 'record versions written more than once').toEqual([]);
  }

  const newest = newestByRecord(expected.deliveries);
  if (!expected.recordsStored) {
    // Every user's records of any kind, not only the modelled one: none may exist.
    const kept: string[] = [];
    const users = new Set([...newest.values()].map(({ record }) => JSON.stringify([record.provider, record.userId])));
    for (const user of users) {
      const [provider, userId] = JSON.parse(user) as [ProcessProvider, string];
      for (const stored of await store.getRecords({ provider, userId })) kept.push(`${provider}/${userId}/${stored.kind}/${stored.key}`);
    }
    expect(kept, 'records kept by an app that does not store records').toEqual([]);
    if (expected.effectsPrinted) expect(effectLines(expected.processes), 'record effects printed by an app that does not store records').toEqual([]);
    return { acknowledged: expected.acknowledged.size, handledLines: handledLineCount(handled), handledTwice: twice.length, appliedEffects: 0, records: 0, totalRevisions: 0 };
  }
  const versionsByRecord = new Map<string, Set<number>>();
  for (const delivery of expected.deliveries) {
    const id = identityString(delivery.record);
    const set = versionsByRecord.get(id) ?? new Set<number>();
    set.add(delivery.version);
    versionsByRecord.set(id, set);
  }
  const wrong: string[] = [];
  let totalRevisions = 0;
  let totalLostLines = 0;
  const recordCache = new Map<string, StoredRecord[]>();
  for (const [id, winner] of newest) {
    const { provider, userId, kind, key } = winner.record;
    const cacheKey = JSON.stringify([provider, userId, kind]);
    let records = recordCache.get(cacheKey);
    if (records === undefined) {
      records = await store.getRecords({ provider, userId, kind });
      recordCache.set(cacheKey, records);
    }
    const stored = records.find((record) => record.key === key);
    if (stored === undefined) {
      wrong.push(`${id}: missing`);
      continue;
    }
    totalRevisions += stored.revision;
    if (stored.version !== winner.storedVersion) wrong.push(`${id}: version ${stored.version}, newest ${winner.storedVersion}`);
    if (JSON.stringify(stored.data) !== JSON.stringify(winner.data)) wrong.push(`${id}: data is not the newest version's`);
    const distinct = versionsByRecord.get(id)!.size;
    if (stored.revision < 1 || stored.revision > distinct) wrong.push(`${id}: revision ${stored.revision} with ${distinct} distinct versions`);
    if (expected.effectsPrinted) {
      const applied = appliedByRecord.get(id) ?? 0;
      // A process killed between committing an upsert and printing its line loses the line, never the write.
      const lostLines = stored.revision - applied;
      totalLostLines += Math.max(0, lostLines);
      if (lostLines < 0 || lostLines > expected.maxRedispatched) wrong.push(`${id}: revision ${stored.revision} but ${applied} applied upserts seen`);
    }
  }
  expect(wrong, 'records not at their newest version, or written more than once').toEqual([]);
  expect(totalLostLines, 'record writes without an effect line (only a kill between commit and print loses one)').toBeLessThanOrEqual(
    expected.maxRedispatched,
  );

  return {
    acknowledged: expected.acknowledged.size,
    handledLines: handledLineCount(handled),
    handledTwice: twice.length,
    appliedEffects: [...appliedByRecord.values()].reduce((sum, n) => sum + n, 0),
    records: newest.size,
    totalRevisions,
  };
}

function handledLineCount(handled: ReadonlyMap<string, readonly string[]>): number {
  return [...handled.values()].reduce((sum, names) => sum + names.length, 0);
}
