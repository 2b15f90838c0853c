import type { RecordRef } from '../events/webhook-event.js';

/** What decides which of two versions of one record is kept. */
export interface RecordRank {
  readonly version: number | undefined;
  /** The receipt time of the delivery that carried the version, in epoch milliseconds. */
  readonly receivedAtMs: number;
}

/**
 * True when `incoming` must replace `stored`. A numeric version beats none and a larger one beats a
 * smaller one; versionless records are ordered by receipt time. Ties keep the stored record, which is
 * what makes replays no-ops. The SQL stores express the same rule in their upsert's WHERE clause.
 */
export function outranks(incoming: RecordRank, stored: RecordRank): boolean {
  if (incoming.version !== undefined) {
    return stored.version === undefined || incoming.version > stored.version;
  }
  return stored.version === undefined && incoming.receivedAtMs > stored.receivedAtMs;
}

/** A validated record with its data serialised once, ready for any store. */
export interface PreparedRecord {
  readonly kind: string;
  readonly userId: string;
  readonly key: string;
  readonly version: number | undefined;
  readonly dataJson: string;
}

/**
 * Validates a batch and reduces records with the same identity to their winner (on a tie the later one
 * in the array, since a payload lists updates in order). The result is sorted by identity so that
 * concurrent upserts lock rows in the same order and cannot deadlock.
 */
export function prepareRecords(records: readonly RecordRef[]): PreparedRecord[] {
  const winners = new Map<string, PreparedRecord>();
  for (const record of records) {
    const prepared = prepareRecord(record);
    const identity = recordIdentity(prepared.userId, prepared.kind, prepared.key);
    const current = winners.get(identity);
    // Records of one batch share their delivery's receipt time, so only versions can tell them apart:
    // the later one wins unless the current one has the larger version (`outranks` at equal times).
    if (current === undefined || !outranksInBatch(current.version, prepared.version)) {
      winners.set(identity, prepared);
    }
  }
  return [...winners.values()].sort(compareIdentity);
}

/**
 * One string per record identity (user, kind, key), distinct for distinct identities: each part but
 * the last is prefixed by its length, so no choice of characters in a part can make two identities
 * collide. Built once per record on the hot path, where `JSON.stringify` of an array cost several times more.
 */
export function recordIdentity(userId: string, kind: string, key: string): string {
  return `${userId.length}:${userId}${kind.length}:${kind}${key}`;
}

function outranksInBatch(current: number | undefined, incoming: number | undefined): boolean {
  return current !== undefined && (incoming === undefined || current > incoming);
}

function prepareRecord(record: RecordRef): PreparedRecord {
  const { kind, userId, key, version } = record;
  if (typeof kind !== 'string' || typeof userId !== 'string' || typeof key !== 'string') {
    throw new TypeError('A record needs string kind, userId and key.');
  }
  if (version !== undefined && (typeof version !== 'number' || !Number.isFinite(version))) {
    throw new RangeError(`Record version must be a finite number or undefined, got ${String(version)}.`);
  }
  // JSON.stringify(undefined) is undefined; a record without data is stored as JSON null.
  const dataJson = JSON.stringify(record.data) ?? 'null';
  return { kind, userId, key, version, dataJson };
}

function compareIdentity(a: PreparedRecord, b: PreparedRecord): number {
  return compareStrings(a.userId, b.userId) || compareStrings(a.kind, b.kind) || compareStrings(a.key, b.key);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
