import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordRef } from '../../src/events/webhook-event.js';
import { prepareRecords, type PreparedRecord } from '../../src/stores/record-versioning.js';

// prepareRecords sorts and then merges runs of equal identities; this checks it against the rule as
// documented, written the obvious way: fold the batch in order per identity, the later record winning
// unless the one kept so far has the larger version, then sort by (user, kind, key).

function reference(records: readonly RecordRef[]): PreparedRecord[] {
  const winners = new Map<string, RecordRef>();
  for (const record of records) {
    const identity = JSON.stringify([record.userId, record.kind, record.key]);
    const current = winners.get(identity);
    const keepCurrent = current?.version !== undefined && (record.version === undefined || current.version > record.version);
    if (!keepCurrent) winners.set(identity, record);
  }
  const order = (a: RecordRef, b: RecordRef) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return [...winners.values()].sort(order).map((r) => ({ kind: r.kind, userId: r.userId, key: r.key, version: r.version, dataJson: JSON.stringify(r.data) ?? 'null' }));
}

// Few distinct values, so identities repeat and parts that run together (':' and digits) are common.
const part = fc.constantFrom('', 'a', 'a:', ':a', '1:a', 'b', '\u00e9', 'a:b');
const recordRef = fc.record({
  userId: part,
  kind: part,
  key: part,
  version: fc.option(fc.constantFrom(1, 2, 2.5, 10), { nil: undefined }),
  data: fc.nat(1000),
});

describe('prepareRecords', () => {
  it('keeps one winner per identity, by version then batch order, sorted by identity', () => {
    fc.assert(
      fc.property(fc.array(recordRef, { maxLength: 40 }), (records) => {
        expect(prepareRecords(records as RecordRef[])).toEqual(reference(records as RecordRef[]));
      }),
      { numRuns: 500 },
    );
  });
});
