import type { RecordRef } from '../events/webhook-event.js';
import { isStorableLabel } from './storable-labels.js';

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
  // Sorted first (a stable sort: equal identities keep their order in the payload), then each run of
  // equal identities reduced to its winner. No identity string or map entry per record: this runs for
  // every record of every delivery, and payloads arrive mostly sorted already.
  const sorted = records.map(prepareRecord).sort(compareIdentity);
  const winners: PreparedRecord[] = [];
  for (const prepared of sorted) {
    const last = winners[winners.length - 1];
    if (last === undefined || compareIdentity(last, prepared) !== 0) {
      winners.push(prepared);
    } else if (!outranksInBatch(last.version, prepared.version)) {
      // Records of one batch share their delivery's receipt time, so only versions can tell them
      // apart: the later one wins unless the earlier one has the larger version (`outranks` at equal times).
      winners[winners.length - 1] = prepared;
    }
  }
  return winners;
}

function outranksInBatch(current: number | undefined, incoming: number | undefined): boolean {
  return current !== undefined && (incoming === undefined || current > incoming);
}

function prepareRecord(record: RecordRef): PreparedRecord {
  const { kind, userId, key, version } = record;
  if (typeof kind !== 'string' || typeof userId !== 'string' || typeof key !== 'string') {
    throw new TypeError('A record needs string kind, userId and key.');
  }
  // Refused in every store alike: SQLite's driver cut a string at U+0000 and stored U+FFFD for a lone
  // surrogate, so two different identities became one and one user's record overwrote another's.
  if (!isStorableLabel(kind, { forbidNul: true }) || !isStorableLabel(userId, { forbidNul: true }) || !isStorableLabel(key, { forbidNul: true })) {
    throw new RangeError('A record kind, userId or key contains U+0000 or an unpaired UTF-16 surrogate, which cannot be stored exactly.');
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
