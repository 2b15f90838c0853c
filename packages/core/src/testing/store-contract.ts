import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderName, RecordRef } from '../events/webhook-event.js';
import { StoreUnavailableError } from '../stores/store-unavailable-error.js';
import { DEFAULT_RETENTION_MS, type NewDelivery, type WebhookStore } from '../stores/webhook-store.js';

/** One database per test; `open` may be called more than once to get a second connection to it. */
export interface StoreHarness {
  open(): Promise<WebhookStore>;
  /** Runs after every store it opened is closed. */
  dispose?(): Promise<void>;
}

const T0 = new Date('2025-03-01T12:00:00.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);

let keySeq = 0;
export function newDelivery(overrides: Partial<NewDelivery> = {}): NewDelivery {
  keySeq += 1;
  return {
    provider: 'vital',
    deliveryKey: `msg_${keySeq}`,
    eventType: 'daily.data.sleep.created',
    state: 'pending',
    body: `{"event_type":"daily.data.sleep.created","n":${keySeq},"text":"zażółć \\u00e9 😀"}`,
    receivedAt: T0,
    ...overrides,
  };
}

const record = (key: string, version: number | undefined, data: unknown, extra: Partial<RecordRef> = {}): RecordRef => ({
  kind: 'vital.sleep',
  userId: 'user-1',
  key,
  version,
  data,
  ...extra,
});

/**
 * The behaviour every `WebhookStore` must have. Each implementation's test file calls this with a
 * harness that gives every test an empty database.
 */
export function describeWebhookStoreContract(name: string, createHarness: () => Promise<StoreHarness>): void {
  describe(`${name}: WebhookStore contract`, () => {
    let harness: StoreHarness;
    let opened: WebhookStore[];
    let store: WebhookStore;

    const open = async (): Promise<WebhookStore> => {
      const next = await harness.open();
      opened.push(next);
      return next;
    };

    beforeEach(async () => {
      harness = await createHarness();
      opened = [];
      store = await open();
    });

    afterEach(async () => {
      for (const each of opened) await each.close();
      await harness.dispose?.();
    });

    describe('putIfAbsent and get', () => {
      it('stores a delivery once per (provider, deliveryKey) and keeps the first body', async () => {
        const first = newDelivery();
        expect(await store.putIfAbsent(first)).toEqual({ inserted: true });
        expect(await store.putIfAbsent({ ...first, body: '{"other":true}' })).toEqual({ inserted: false });
        expect(await store.putIfAbsent({ ...first, provider: 'terra' })).toEqual({ inserted: true });

        const stored = await store.get('vital', first.deliveryKey);
        expect(stored).toMatchObject({
          provider: 'vital',
          deliveryKey: first.deliveryKey,
          eventType: first.eventType,
          state: 'pending',
          body: first.body,
          attempts: 0,
          issues: undefined,
          lastError: undefined,
          leaseOwner: undefined,
          leaseUntil: undefined,
          finishedAt: undefined,
        });
        expect(typeof stored?.id).toBe('string');
        expect(stored?.receivedAt.getTime()).toBe(T0.getTime());
        expect(stored?.nextAttemptAt.getTime()).toBe(T0.getTime());
        expect((await store.get('terra', first.deliveryKey))?.id).not.toBe(stored?.id);
        expect(await store.get('thryve', first.deliveryKey)).toBeUndefined();
      });

      it('sees a duplicate written through another connection', async () => {
        const other = await open();
        const delivery = newDelivery();
        expect(await store.putIfAbsent(delivery)).toEqual({ inserted: true });
        expect(await other.putIfAbsent(delivery)).toEqual({ inserted: false });
      });

      it('lets exactly one of many concurrent puts of one key win', async () => {
        const other = await open();
        const delivery = newDelivery();
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? store : other).putIfAbsent(delivery)),
        );
        expect(results.filter((r) => r.inserted)).toHaveLength(1);
      });

      it('keeps quarantined deliveries with their issues and never claims them', async () => {
        const issues = [{ instancePath: '/data', message: 'must be array' }];
        const delivery = newDelivery({ state: 'quarantined', eventType: 'no.such.type', issues });
        await store.putIfAbsent(delivery);
        const stored = await store.get(delivery.provider, delivery.deliveryKey);
        expect(stored?.state).toBe('quarantined');
        expect(stored?.issues).toEqual(issues);
        expect(await store.claim({ workerId: 'w1', leaseMs: 1000, limit: 10, now: at(60_000) })).toEqual([]);
      });
    });

    describe('claim', () => {
      it('leases due pending deliveries, oldest due first, counting the attempt', async () => {
        const a = newDelivery({ receivedAt: at(2) });
        const b = newDelivery({ receivedAt: at(1) });
        const c = newDelivery({ receivedAt: at(3) });
        const notDue = newDelivery({ receivedAt: at(10_000) });
        for (const d of [a, b, c, notDue]) await store.putIfAbsent(d);

        const claimed = await store.claim({ workerId: 'w1', leaseMs: 30_000, limit: 2, now: at(5) });
        expect(claimed.map((d) => d.deliveryKey)).toEqual([b.deliveryKey, a.deliveryKey]);
        for (const d of claimed) {
          expect(d).toMatchObject({ state: 'pending', attempts: 1, leaseOwner: 'w1' });
          expect(d.leaseUntil.getTime()).toBe(at(30_005).getTime());
        }
        const rest = await store.claim({ workerId: 'w2', leaseMs: 30_000, limit: 10, now: at(5) });
        expect(rest.map((d) => d.deliveryKey)).toEqual([c.deliveryKey]);
        expect(await store.claim({ workerId: 'w3', leaseMs: 30_000, limit: 10, now: at(5) })).toEqual([]);
      });

      it('gives every delivery to exactly one of several workers on separate connections', async () => {
        const stores = [store, await open(), await open()];
        const keys = new Set<string>();
        for (let i = 0; i < 30; i++) {
          const d = newDelivery();
          keys.add(d.deliveryKey);
          await store.putIfAbsent(d);
        }
        const rounds = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            stores[i % stores.length]!.claim({ workerId: `w${i}`, leaseMs: 60_000, limit: 4, now: at(1) }),
          ),
        );
        const claimed = rounds.flat().map((d) => d.deliveryKey);
        expect(new Set(claimed).size).toBe(claimed.length);
        expect(new Set(claimed)).toEqual(keys);
      });

      it('reclaims a delivery whose lease expired (a crashed worker) and fences the old owner', async () => {
        const other = await open();
        const d = newDelivery();
        await store.putIfAbsent(d);
        const [first] = await store.claim({ workerId: 'crashed', leaseMs: 1000, limit: 1, now: at(0) });
        expect(first?.attempts).toBe(1);

        expect(await other.claim({ workerId: 'w2', leaseMs: 1000, limit: 1, now: at(999) })).toEqual([]);
        const [second] = await other.claim({ workerId: 'w2', leaseMs: 1000, limit: 1, now: at(1000) });
        expect(second).toMatchObject({ id: first?.id, attempts: 2, leaseOwner: 'w2' });

        expect(await store.complete(first!.id, 'crashed')).toBe(false);
        expect(await store.fail(first!.id, 'crashed', { dead: true }, 'late')).toBe(false);
        expect(await store.release(first!.id, 'crashed')).toBe(false);
        expect((await store.get(d.provider, d.deliveryKey))?.leaseOwner).toBe('w2');
        expect(await other.complete(second!.id, 'w2')).toBe(true);
      });

      it('claims only the providers asked for, so receivers of several providers can share one store', async () => {
        const thryve = newDelivery({ provider: 'thryve', receivedAt: at(1) });
        const terra = newDelivery({ provider: 'terra', receivedAt: at(2) });
        const vital = newDelivery({ provider: 'vital', receivedAt: at(3) });
        for (const d of [thryve, terra, vital]) await store.putIfAbsent(d);

        const terraOnly = await store.claim({ workerId: 'w1', leaseMs: 1000, limit: 10, now: at(5), providers: ['terra'] });
        expect(terraOnly.map((d) => d.deliveryKey)).toEqual([terra.deliveryKey]);
        const two = await store.claim({ workerId: 'w2', leaseMs: 1000, limit: 10, now: at(5), providers: ['vital', 'thryve'] });
        expect(two.map((d) => d.deliveryKey)).toEqual([thryve.deliveryKey, vital.deliveryKey]);
        expect(await store.claim({ workerId: 'w3', leaseMs: 1000, limit: 10, now: at(5), providers: [] })).toEqual([]);
      });

      it('claims nothing when limit is 0', async () => {
        await store.putIfAbsent(newDelivery());
        expect(await store.claim({ workerId: 'w1', leaseMs: 1000, limit: 0, now: at(1) })).toEqual([]);
      });
    });

    describe('complete, fail, release', () => {
      it('completes a leased delivery once, only for its owner', async () => {
        const d = newDelivery();
        await store.putIfAbsent(d);
        const [claimed] = await store.claim({ workerId: 'w1', leaseMs: 1000, limit: 1, now: at(1) });
        expect(await store.complete(claimed!.id, 'someone-else')).toBe(false);
        expect(await store.complete(claimed!.id, 'w1', { now: at(50) })).toBe(true);
        expect(await store.complete(claimed!.id, 'w1')).toBe(false);

        const stored = await store.get(d.provider, d.deliveryKey);
        expect(stored).toMatchObject({ state: 'completed', leaseOwner: undefined, leaseUntil: undefined });
        expect(stored?.finishedAt?.getTime()).toBe(at(50).getTime());
        expect(await store.claim({ workerId: 'w1', leaseMs: 1000, limit: 1, now: at(1_000_000) })).toEqual([]);
      });

      it('retries a failed delivery at retryAt, keeping the error and counting attempts', async () => {
        const d = newDelivery();
        await store.putIfAbsent(d);
        const [claimed] = await store.claim({ workerId: 'w1', leaseMs: 60_000, limit: 1, now: at(1) });
        expect(await store.fail(claimed!.id, 'w1', { retryAt: at(5000) }, 'handler exploded')).toBe(true);

        const stored = await store.get(d.provider, d.deliveryKey);
        expect(stored).toMatchObject({ state: 'pending', attempts: 1, lastError: 'handler exploded', leaseOwner: undefined });
        expect(stored?.nextAttemptAt.getTime()).toBe(at(5000).getTime());

        // The lease was released by fail, but the delivery is not due before retryAt.
        expect(await store.claim({ workerId: 'w2', leaseMs: 60_000, limit: 1, now: at(4999) })).toEqual([]);
        const [again] = await store.claim({ workerId: 'w2', leaseMs: 60_000, limit: 1, now: at(5000) });
        expect(again).toMatchObject({ id: claimed!.id, attempts: 2, lastError: 'handler exploded' });
      });

      it('moves a delivery to dead, lists it and requeues it as a fresh pending delivery', async () => {
        const deliveries = [newDelivery(), newDelivery(), newDelivery()];
        for (const d of deliveries) await store.putIfAbsent(d);
        const claimed = await store.claim({ workerId: 'w1', leaseMs: 60_000, limit: 3, now: at(1) });
        for (const c of claimed) {
          expect(await store.fail(c.id, 'w1', { dead: true }, `gave up on ${c.deliveryKey}`, { now: at(9) })).toBe(true);
        }

        const dead = await store.listDead({ limit: 2 });
        expect(dead.map((d) => d.deliveryKey)).toEqual(deliveries.slice(0, 2).map((d) => d.deliveryKey));
        expect(dead[0]).toMatchObject({ state: 'dead', lastError: `gave up on ${deliveries[0]!.deliveryKey}` });
        expect(dead[0]?.finishedAt?.getTime()).toBe(at(9).getTime());
        expect(await store.claim({ workerId: 'w1', leaseMs: 60_000, limit: 3, now: at(10_000_000) })).toEqual([]);

        const firstId = dead[0]!.id;
        expect(await store.requeue([firstId, firstId, '999999999'], { now: at(100) })).toEqual({ requeued: 1 });
        expect(await store.requeue([firstId])).toEqual({ requeued: 0 });
        const requeued = await store.get(deliveries[0]!.provider, deliveries[0]!.deliveryKey);
        expect(requeued).toMatchObject({ state: 'pending', attempts: 0, finishedAt: undefined });
        expect(requeued?.nextAttemptAt.getTime()).toBe(at(100).getTime());
        expect(await store.claim({ workerId: 'w2', leaseMs: 1000, limit: 5, now: at(99) })).toEqual([]);
        const [reclaimed] = await store.claim({ workerId: 'w2', leaseMs: 1000, limit: 5, now: at(100) });
        expect(reclaimed).toMatchObject({ id: firstId, attempts: 1 });
        expect((await store.listDead({ limit: 10 })).map((d) => d.deliveryKey)).toEqual(
          deliveries.slice(1).map((d) => d.deliveryKey),
        );
      });

      it('requeues a quarantined delivery so the worker dispatches it', async () => {
        const d = newDelivery({ state: 'quarantined', issues: { reason: 'unknown type' } });
        await store.putIfAbsent(d);
        const stored = await store.get(d.provider, d.deliveryKey);
        expect(await store.requeue([stored!.id], { now: at(1) })).toEqual({ requeued: 1 });
        const claimed = await store.claim({ workerId: 'w1', leaseMs: 1000, limit: 1, now: at(1) });
        expect(claimed.map((c) => c.deliveryKey)).toEqual([d.deliveryKey]);
        expect(claimed[0]?.issues).toEqual({ reason: 'unknown type' });
      });

      it('does not requeue pending or completed deliveries', async () => {
        const pending = newDelivery();
        const done = newDelivery();
        await store.putIfAbsent(pending);
        await store.putIfAbsent(done);
        const claimed = await store.claim({ workerId: 'w1', leaseMs: 1000, limit: 2, now: at(1) });
        const doneClaim = claimed.find((c) => c.deliveryKey === done.deliveryKey)!;
        await store.complete(doneClaim.id, 'w1');
        const pendingClaim = claimed.find((c) => c.deliveryKey === pending.deliveryKey)!;
        expect(await store.requeue([doneClaim.id, pendingClaim.id])).toEqual({ requeued: 0 });
        expect((await store.get(done.provider, done.deliveryKey))?.state).toBe('completed');
        expect((await store.get(pending.provider, pending.deliveryKey))?.leaseOwner).toBe('w1');
      });

      it('releases a lease without counting the attempt, due again at once', async () => {
        const d = newDelivery();
        await store.putIfAbsent(d);
        const [claimed] = await store.claim({ workerId: 'w1', leaseMs: 60_000, limit: 1, now: at(1) });
        expect(await store.release(claimed!.id, 'w2')).toBe(false);
        expect(await store.release(claimed!.id, 'w1')).toBe(true);
        expect(await store.release(claimed!.id, 'w1')).toBe(false);
        const [again] = await store.claim({ workerId: 'w2', leaseMs: 60_000, limit: 1, now: at(2) });
        expect(again).toMatchObject({ id: claimed!.id, attempts: 1, leaseOwner: 'w2' });
      });
    });

    describe('purge', () => {
      it('deletes only completed and dead deliveries older than the retention, keeping recent keys', async () => {
        const day = 24 * 60 * 60 * 1000;
        const oldDone = newDelivery({ receivedAt: at(-8 * day) });
        const oldDead = newDelivery({ receivedAt: at(-8 * day) });
        const oldPending = newDelivery({ receivedAt: at(-30 * day) });
        const oldQuarantined = newDelivery({ receivedAt: at(-30 * day), state: 'quarantined' });
        const recentDone = newDelivery({ receivedAt: at(-6 * day) });
        for (const d of [oldDone, oldDead, oldPending, oldQuarantined, recentDone]) await store.putIfAbsent(d);

        const claimed = await store.claim({ workerId: 'w1', leaseMs: 60_000, limit: 10, now: at(0) });
        for (const c of claimed) {
          if (c.deliveryKey === oldDead.deliveryKey) await store.fail(c.id, 'w1', { dead: true }, 'x');
          else if (c.deliveryKey !== oldPending.deliveryKey) await store.complete(c.id, 'w1');
        }

        expect(await store.purge({ now: at(0) })).toEqual({ purged: 2 });
        expect(await store.get('vital', oldDone.deliveryKey)).toBeUndefined();
        expect(await store.get('vital', oldDead.deliveryKey)).toBeUndefined();
        expect((await store.get('vital', oldPending.deliveryKey))?.state).toBe('pending');
        expect((await store.get('vital', oldQuarantined.deliveryKey))?.state).toBe('quarantined');
        // A retry of the recent delivery is still recognised as a duplicate.
        expect(await store.putIfAbsent(recentDone)).toEqual({ inserted: false });
        expect(await store.purge({ now: at(0) })).toEqual({ purged: 0 });

        expect(await store.purge({ olderThan: at(-5 * day) })).toEqual({ purged: 1 });
        expect(await store.putIfAbsent(recentDone)).toEqual({ inserted: true });
      });

      it('defaults to a retention of at least 7 days', () => {
        expect(DEFAULT_RETENTION_MS).toBeGreaterThanOrEqual(7 * 24 * 60 * 60 * 1000);
      });
    });

    describe('records', () => {
      it('inserts records and reads them back per user, optionally by kind', async () => {
        const result = await store.upsertRecords(
          'thryve',
          [
            record('k2', 1, { v: 'a' }, { kind: 'thryve.epoch' }),
            record('k1', 1, { v: 'b' }, { kind: 'thryve.epoch' }),
            record('d1', undefined, { v: 'c' }, { kind: 'thryve.daily' }),
            record('k1', 1, { v: 'other user' }, { kind: 'thryve.epoch', userId: 'user-2' }),
          ],
          { receivedAt: T0 },
        );
        expect(result).toEqual({ applied: 4 });

        const all = await store.getRecords({ provider: 'thryve', userId: 'user-1' });
        expect(all.map((r) => [r.kind, r.key])).toEqual([
          ['thryve.daily', 'd1'],
          ['thryve.epoch', 'k1'],
          ['thryve.epoch', 'k2'],
        ]);
        expect(all[0]).toMatchObject({ provider: 'thryve', userId: 'user-1', version: undefined, data: { v: 'c' }, revision: 1 });
        expect(all[0]?.receivedAt.getTime()).toBe(T0.getTime());
        expect(all[0]?.updatedAt).toBeInstanceOf(Date);
        expect(all[1]).toMatchObject({ version: 1, data: { v: 'b' }, revision: 1 });

        const epochs = await store.getRecords({ provider: 'thryve', userId: 'user-1', kind: 'thryve.epoch' });
        expect(epochs.map((r) => r.key)).toEqual(['k1', 'k2']);
        expect(await store.getRecords({ provider: 'terra', userId: 'user-1' })).toEqual([]);
      });

      it('keeps the newest version whatever the arrival order, counting only real changes', async () => {
        const versions = [1_700_000_000_000, 1_700_000_000_500, 1_700_000_001_000];
        const orders = [
          [0, 1, 2],
          [2, 1, 0],
          [1, 0, 2],
          [1, 2, 0],
        ];
        for (const [i, order] of orders.entries()) {
          const key = `order-${i}`;
          let expectedRevision = 0;
          let best = -Infinity;
          for (const index of order) {
            const version = versions[index]!;
            const { applied } = await store.upsertRecords('vital', [record(key, version, { index })]);
            expect(applied).toBe(version > best ? 1 : 0);
            if (version > best) {
              best = version;
              expectedRevision += 1;
            }
          }
          const [stored] = await store.getRecords({ provider: 'vital', userId: 'user-1' }).then((rs) => rs.filter((r) => r.key === key));
          expect(stored).toMatchObject({ version: versions[2], data: { index: 2 }, revision: expectedRevision });
        }
      });

      it('treats a replayed upsert as a no-op (exactly-once record effects)', async () => {
        const batch = [record('a', 5, { x: 1 }), record('b', undefined, { y: [1, 2] })];
        const receivedAt = at(0);
        expect(await store.upsertRecords('terra', batch, { receivedAt })).toEqual({ applied: 2 });
        expect(await store.upsertRecords('terra', batch, { receivedAt })).toEqual({ applied: 0 });
        const other = await open();
        expect(await other.upsertRecords('terra', batch, { receivedAt })).toEqual({ applied: 0 });
        const stored = await store.getRecords({ provider: 'terra', userId: 'user-1' });
        expect(stored.map((r) => r.revision)).toEqual([1, 1]);
      });

      it('never lets a versionless record replace a versioned one; versionless ones go by receipt time', async () => {
        expect(await store.upsertRecords('vital', [record('r', undefined, 'first')], { receivedAt: at(10) })).toEqual({ applied: 1 });
        // An older delivery redelivered late loses; a later one wins.
        expect(await store.upsertRecords('vital', [record('r', undefined, 'older')], { receivedAt: at(5) })).toEqual({ applied: 0 });
        expect(await store.upsertRecords('vital', [record('r', undefined, 'later')], { receivedAt: at(20) })).toEqual({ applied: 1 });
        // Any version beats none, even from an older delivery.
        expect(await store.upsertRecords('vital', [record('r', 3, 'versioned')], { receivedAt: at(1) })).toEqual({ applied: 1 });
        expect(await store.upsertRecords('vital', [record('r', undefined, 'no version')], { receivedAt: at(99) })).toEqual({ applied: 0 });
        // An equal version is a no-op even with other data; a smaller one loses.
        expect(await store.upsertRecords('vital', [record('r', 3, 'same version')], { receivedAt: at(99) })).toEqual({ applied: 0 });
        expect(await store.upsertRecords('vital', [record('r', 2.5, 'smaller')], { receivedAt: at(99) })).toEqual({ applied: 0 });
        const [stored] = await store.getRecords({ provider: 'vital', userId: 'user-1' });
        expect(stored).toMatchObject({ version: 3, data: 'versioned', revision: 3 });
        expect(stored?.receivedAt.getTime()).toBe(at(1).getTime());
      });

      it('reduces duplicates within one batch to their winner', async () => {
        const result = await store.upsertRecords('vital', [
          record('dup', 2, 'v2'),
          record('dup', 9, 'v9'),
          record('dup', 4, 'v4'),
          record('dup', undefined, 'none'),
          record('tie', 1, 'first'),
          record('tie', 1, 'second'),
        ]);
        expect(result).toEqual({ applied: 2 });
        const stored = await store.getRecords({ provider: 'vital', userId: 'user-1' });
        expect(stored.map((r) => [r.key, r.data, r.revision])).toEqual([
          ['dup', 'v9', 1],
          ['tie', 'second', 1],
        ]);
      });

      it('rejects a non-finite version without writing anything', async () => {
        await expect(store.upsertRecords('vital', [record('ok', 1, 1), record('bad', Number.NaN, 1)])).rejects.toThrow(RangeError);
        expect(await store.getRecords({ provider: 'vital', userId: 'user-1' })).toEqual([]);
      });

      it('converges to the top-ranked version for any arrival order (property)', async () => {
        let run = 0;
        const upsert = fc.record({
          version: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
          receivedAt: fc.integer({ min: 0, max: 5 }),
        });
        await fc.assert(
          fc.asyncProperty(fc.array(upsert, { minLength: 1, maxLength: 6 }), async (upserts) => {
            run += 1;
            const userId = `prop-${run}`;
            let revisions = 0;
            let best: { version: number | undefined; receivedAt: number } | undefined;
            for (const [i, u] of upserts.entries()) {
              const { applied } = await store.upsertRecords('thryve', [record('k', u.version, i, { userId })], {
                receivedAt: at(u.receivedAt),
              });
              const wins =
                best === undefined ||
                (u.version !== undefined
                  ? best.version === undefined || u.version > best.version
                  : best.version === undefined && u.receivedAt > best.receivedAt);
              expect(applied).toBe(wins ? 1 : 0);
              if (wins) {
                best = u;
                revisions += 1;
              }
            }
            const [stored] = await store.getRecords({ provider: 'thryve', userId });
            expect(stored?.version).toBe(best?.version);
            expect(stored?.revision).toBe(revisions);
            expect(stored?.receivedAt.getTime()).toBe(at(best!.receivedAt).getTime());
          }),
          { numRuns: 40 },
        );
      });
    });

    describe('availability', () => {
      it('rejects every call with StoreUnavailableError once closed (close is idempotent)', async () => {
        const closing = await open();
        await closing.close();
        await closing.close();
        const provider: ProviderName = 'vital';
        const calls: Array<() => Promise<unknown>> = [
          () => closing.putIfAbsent(newDelivery()),
          () => closing.claim({ workerId: 'w', leaseMs: 1, limit: 1 }),
          () => closing.complete('1', 'w'),
          () => closing.fail('1', 'w', { dead: true }, 'x'),
          () => closing.release('1', 'w'),
          () => closing.listDead({ limit: 1 }),
          () => closing.requeue(['1']),
          () => closing.purge(),
          () => closing.get(provider, 'k'),
          () => closing.upsertRecords(provider, [record('k', 1, 1)]),
          () => closing.getRecords({ provider, userId: 'u' }),
        ];
        for (const call of calls) await expect(call()).rejects.toBeInstanceOf(StoreUnavailableError);
        // The other connection is unaffected.
        expect(await store.putIfAbsent(newDelivery())).toEqual({ inserted: true });
      });
    });
  });
}
