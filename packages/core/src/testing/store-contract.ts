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

/** What `putIfAbsent` resolves for a new delivery. */
export const INSERTED = { inserted: true, id: expect.any(String) as unknown as string } as const;

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

const day = 24 * 60 * 60 * 1000;

/** Claims every due delivery at `at(0)` and completes, kills (dead) or keeps (still leased) the ones listed. */
async function finish(
  store: WebhookStore,
  completed: readonly NewDelivery[],
  dead: readonly NewDelivery[],
  keep: readonly NewDelivery[] = [],
): Promise<void> {
  const claimed = await store.claim({ workerId: 'finisher', leaseMs: 60_000, limit: 100, now: at(0) });
  const keys = (list: readonly NewDelivery[]) => new Set(list.map((d) => d.deliveryKey));
  const [done, gone, kept] = [keys(completed), keys(dead), keys(keep)];
  for (const c of claimed) {
    if (done.has(c.deliveryKey)) expect(await store.complete(c.id, 'finisher')).toBe(true);
    else if (gone.has(c.deliveryKey)) expect(await store.fail(c.id, 'finisher', { dead: true }, 'gave up')).toBe(true);
    else if (kept.has(c.deliveryKey)) continue;
    else expect(await store.release(c.id, 'finisher')).toBe(true);
  }
  expect(claimed.filter((c) => done.has(c.deliveryKey) || gone.has(c.deliveryKey))).toHaveLength(done.size + gone.size);
}

/**
 * The behaviour every `WebhookStore` must have. Each implementation's test file calls this with a
 * harness that gives every test an empty database.
 */
export function describeWebhookStoreContract(
  name: string,
  createHarness: () => Promise<StoreHarness>,
  /**
   * `commitFaults`: the store commits to a database and honours the test-only `WEARHOOK_TEST_FAULT`
   * hook (stores/test-faults.ts) read when it is opened. The memory store has no commit to fail.
   */
  { commitFaults = false }: { readonly commitFaults?: boolean } = {},
): void {
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
        const put = await store.putIfAbsent(first);
        expect(put).toEqual(INSERTED);
        expect(await store.putIfAbsent({ ...first, body: '{"other":true}' })).toEqual({ inserted: false });
        expect(await store.putIfAbsent({ ...first, provider: 'terra' })).toEqual(INSERTED);

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
        expect(stored?.id).toBe((put as { id: string }).id);
        expect(stored).toMatchObject({ context: undefined, drift: undefined });
        expect(stored?.receivedAt.getTime()).toBe(T0.getTime());
        expect(stored?.nextAttemptAt.getTime()).toBe(T0.getTime());
        expect((await store.get('terra', first.deliveryKey))?.id).not.toBe(stored?.id);
        expect(await store.get('thryve', first.deliveryKey)).toBeUndefined();
      });

      it('sees a duplicate written through another connection', async () => {
        const other = await open();
        const delivery = newDelivery();
        expect(await store.putIfAbsent(delivery)).toEqual(INSERTED);
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
      it('deletes completed, dead and quarantined deliveries older than the retention, keeping recent keys', async () => {
        const oldDone = newDelivery({ receivedAt: at(-8 * day) });
        const oldDead = newDelivery({ receivedAt: at(-8 * day) });
        const oldPending = newDelivery({ receivedAt: at(-30 * day) });
        const oldQuarantined = newDelivery({ receivedAt: at(-30 * day), state: 'quarantined' });
        const recentDone = newDelivery({ receivedAt: at(-6 * day) });
        for (const d of [oldDone, oldDead, oldPending, oldQuarantined, recentDone]) await store.putIfAbsent(d);
        await finish(store, [oldDone, recentDone], [oldDead]);

        // recentDone is past the default 24 h body retention: its body goes, its key stays.
        expect(await store.purge({ now: at(0) })).toEqual({ purged: 3, bodiesDropped: 1 });
        expect(await store.get('vital', oldDone.deliveryKey)).toBeUndefined();
        expect(await store.get('vital', oldDead.deliveryKey)).toBeUndefined();
        expect(await store.get('vital', oldQuarantined.deliveryKey)).toBeUndefined();
        expect(await store.get('vital', oldPending.deliveryKey)).toMatchObject({ state: 'pending', body: oldPending.body });
        expect(await store.get('vital', recentDone.deliveryKey)).toMatchObject({ state: 'completed', body: undefined });
        // A retry of the recent delivery is still recognised as a duplicate.
        expect(await store.putIfAbsent(recentDone)).toEqual({ inserted: false });
        expect(await store.purge({ now: at(0) })).toEqual({ purged: 0, bodiesDropped: 0 });

        expect(await store.purge({ olderThan: at(-5 * day), now: at(0) })).toEqual({ purged: 1, bodiesDropped: 0 });
        expect(await store.putIfAbsent(recentDone)).toEqual(INSERTED);
      });

      it('drops only bodies of completed deliveries; dead, quarantined and pending ones keep theirs', async () => {
        const done = newDelivery({ receivedAt: at(-2 * day) });
        const dead = newDelivery({ receivedAt: at(-2 * day) });
        const quarantined = newDelivery({ receivedAt: at(-2 * day), state: 'quarantined', issues: ['x'] });
        const pending = newDelivery({ receivedAt: at(-2 * day) });
        const fresh = newDelivery({ receivedAt: at(-1000) });
        for (const d of [done, dead, quarantined, pending, fresh]) await store.putIfAbsent(d);
        await finish(store, [done, fresh], [dead], [pending]);

        expect(await store.purge({ now: at(0), bodiesOlderThan: at(-day) })).toEqual({ purged: 0, bodiesDropped: 1 });
        expect((await store.get('vital', done.deliveryKey))?.body).toBeUndefined();
        for (const kept of [dead, quarantined, pending, fresh]) {
          expect((await store.get('vital', kept.deliveryKey))?.body).toBe(kept.body);
        }
        // A dead delivery requeued after its body retention still has a body to dispatch.
        const [deadRow] = await store.listDead({ limit: 1 });
        expect(await store.requeue([deadRow!.id], { now: at(1) })).toEqual({ requeued: 1 });
        const [again] = await store.claim({ workerId: 'w9', leaseMs: 1000, limit: 5, now: at(1) });
        expect(again).toMatchObject({ deliveryKey: dead.deliveryKey, body: dead.body });
      });

      it('works in bounded steps: at most `limit` rows deleted or emptied per call', async () => {
        const quarantined = Array.from({ length: 4 }, () => newDelivery({ receivedAt: at(-8 * day), state: 'quarantined' }));
        const completed = Array.from({ length: 3 }, () => newDelivery({ receivedAt: at(-2 * day) }));
        for (const d of [...quarantined, ...completed]) await store.putIfAbsent(d);
        await finish(store, completed, []);

        const steps = [];
        for (let i = 0; i < 4; i++) steps.push(await store.purge({ now: at(0), limit: 3 }));
        expect(steps).toEqual([
          { purged: 3, bodiesDropped: 0 },
          { purged: 1, bodiesDropped: 2 },
          { purged: 0, bodiesDropped: 1 },
          { purged: 0, bodiesDropped: 0 },
        ]);
        for (const d of quarantined) expect(await store.get('vital', d.deliveryKey)).toBeUndefined();
        for (const d of completed) expect(await store.get('vital', d.deliveryKey)).toMatchObject({ body: undefined });
      });

      it('defaults to a retention of at least 7 days', () => {
        expect(DEFAULT_RETENTION_MS).toBeGreaterThanOrEqual(7 * 24 * 60 * 60 * 1000);
      });
    });

    describe('group commit', () => {
      it('commits the writes of one event-loop turn together: when the first resolves, all are visible', async () => {
        const other = await open();
        const deliveries = Array.from({ length: 24 }, () => newDelivery());
        const puts = deliveries.map((d) => store.putIfAbsent(d));
        const first = await puts[0];
        expect(first).toEqual(INSERTED);
        // Read through another connection before the other puts' promises have been looked at.
        const visible = await Promise.all(deliveries.map((d) => other.get(d.provider, d.deliveryKey)));
        expect(visible.filter((d) => d === undefined)).toHaveLength(0);
        const results = await Promise.all(puts);
        const ids = results.map((r) => (r as { id: string }).id);
        expect(new Set(ids).size).toBe(deliveries.length);
        expect(ids).toEqual(visible.map((d) => d!.id));
      });

      it('mixes every kind of write in one turn, each with its own result', async () => {
        const [a, b, c] = [newDelivery(), newDelivery(), newDelivery()];
        for (const d of [a, b, c]) await store.putIfAbsent(d);
        const claimed = await store.claim({ workerId: 'w1', leaseMs: 60_000, limit: 3, now: at(1) });
        const id = (d: NewDelivery) => claimed.find((x) => x.deliveryKey === d.deliveryKey)!.id;
        const duplicate = store.putIfAbsent(a);
        const fresh = newDelivery();
        const results = await Promise.all([
          store.complete(id(a), 'w1'),
          store.fail(id(b), 'w1', { retryAt: at(10) }, 'boom'),
          store.release(id(c), 'w2'),
          store.renew([id(c)], 'w1', 5000, { now: at(2) }),
          duplicate,
          store.putIfAbsent(fresh),
          store.upsertRecords('vital', [record('gc', 1, 'x')]),
        ]);
        expect(results).toEqual([true, true, false, [id(c)], { inserted: false }, INSERTED, { applied: 1 }]);
        expect((await store.get('vital', a.deliveryKey))?.state).toBe('completed');
        expect((await store.get('vital', fresh.deliveryKey))?.state).toBe('pending');
      });

      it('rejects only the write the database refuses, not the rest of its batch', async () => {
        const [good1, good2] = [newDelivery(), newDelivery()];
        // The state column's CHECK constraint refuses this row inside the database.
        const refused = newDelivery({ state: 'exploded' as unknown as 'pending' });
        const settled = await Promise.allSettled([store.putIfAbsent(good1), store.putIfAbsent(refused), store.putIfAbsent(good2)]);
        expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(await store.get('vital', good1.deliveryKey)).toBeDefined();
        expect(await store.get('vital', good2.deliveryKey)).toBeDefined();
        expect(await store.get('vital', refused.deliveryKey)).toBeUndefined();
      });

      it.runIf(commitFaults)(
        'rejects every write of a failed commit with StoreUnavailableError, keeps none, and a retry succeeds',
        async () => {
          const previous = { env: process.env.WEARHOOK_TEST_FAULT };
          process.env.WEARHOOK_TEST_FAULT = 'fail-commit:1';
          let faulty: WebhookStore;
          try {
            faulty = await open();
          } finally {
            if (previous.env === undefined) delete process.env.WEARHOOK_TEST_FAULT;
            else process.env.WEARHOOK_TEST_FAULT = previous.env;
          }
          const deliveries = Array.from({ length: 5 }, () => newDelivery());
          const settled = await Promise.allSettled(deliveries.map((d) => faulty.putIfAbsent(d)));
          for (const outcome of settled) {
            expect(outcome.status).toBe('rejected');
            expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
          }
          for (const d of deliveries) expect(await store.get(d.provider, d.deliveryKey)).toBeUndefined();
          // The provider retries: the same store, its next commit, keeps them all.
          const retried = await Promise.all(deliveries.map((d) => faulty.putIfAbsent(d)));
          expect(retried).toEqual(deliveries.map(() => INSERTED));
          for (const d of deliveries) expect((await store.get(d.provider, d.deliveryKey))?.body).toBe(d.body);
        },
      );
    });

    describe('lease at insert and renew', () => {
      it('leases a new delivery to the inserting worker as its first attempt; others reclaim it only after expiry', async () => {
        const other = await open();
        const d = newDelivery({ lease: { workerId: 'local', leaseMs: 60_000 } });
        const before = Date.now();
        const put = await store.putIfAbsent(d);
        expect(put).toEqual(INSERTED);
        const stored = await other.get(d.provider, d.deliveryKey);
        expect(stored).toMatchObject({ id: (put as { id: string }).id, state: 'pending', attempts: 1, leaseOwner: 'local' });
        expect(stored!.leaseUntil!.getTime()).toBeGreaterThanOrEqual(before + 60_000);
        expect(stored!.leaseUntil!.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);

        expect(await other.claim({ workerId: 'w2', leaseMs: 1000, limit: 10, now: new Date() })).toEqual([]);
        const afterExpiry = new Date(stored!.leaseUntil!.getTime());
        const [reclaimed] = await other.claim({ workerId: 'w2', leaseMs: 1000, limit: 10, now: afterExpiry });
        expect(reclaimed).toMatchObject({ id: stored!.id, attempts: 2, leaseOwner: 'w2', body: d.body });
        expect(await store.complete(stored!.id, 'local')).toBe(false);
        expect(await other.complete(stored!.id, 'w2')).toBe(true);
      });

      it('does not lease on a duplicate insert', async () => {
        const d = newDelivery();
        await store.putIfAbsent(d);
        expect(await store.putIfAbsent({ ...d, lease: { workerId: 'late', leaseMs: 60_000 } })).toEqual({ inserted: false });
        expect(await store.get(d.provider, d.deliveryKey)).toMatchObject({ attempts: 0, leaseOwner: undefined });
      });

      it('completes a delivery leased at insert with the id putIfAbsent returned', async () => {
        const d = newDelivery({ lease: { workerId: 'local', leaseMs: 60_000 } });
        const put = (await store.putIfAbsent(d)) as { id: string };
        expect(await store.complete(put.id, 'other')).toBe(false);
        expect(await store.complete(put.id, 'local')).toBe(true);
        expect((await store.get(d.provider, d.deliveryKey))?.state).toBe('completed');
      });

      it('renews only the leases the worker still holds', async () => {
        const [a, b, c] = [newDelivery(), newDelivery(), newDelivery()];
        for (const d of [a, b, c]) await store.putIfAbsent(d);
        const claimed = await store.claim({ workerId: 'w1', leaseMs: 1000, limit: 3, now: at(0) });
        const id = (d: NewDelivery) => claimed.find((x) => x.deliveryKey === d.deliveryKey)!.id;
        expect(await store.complete(id(c), 'w1')).toBe(true);

        const renewed = await store.renew([id(a), id(b), id(a), id(c), '999999999', 'not-an-id'], 'w1', 5000, { now: at(500) });
        expect(renewed).toEqual([id(a), id(b)]);
        expect((await store.get('vital', a.deliveryKey))?.leaseUntil?.getTime()).toBe(at(5500).getTime());
        // Without the renewal they would be free at 1000.
        expect(await store.claim({ workerId: 'w2', leaseMs: 1000, limit: 3, now: at(2000) })).toEqual([]);

        expect(await store.renew([id(a)], 'w2', 5000, { now: at(600) })).toEqual([]);
        expect(await store.release(id(b), 'w1')).toBe(true);
        expect(await store.renew([id(a), id(b)], 'w1', 5000, { now: at(700) })).toEqual([id(a)]);
        // Lost to another worker after expiry: renewing it fails.
        const taken = await store.claim({ workerId: 'w2', leaseMs: 1000, limit: 3, now: at(6000) });
        expect(taken.map((t) => t.id).sort()).toEqual([id(a), id(b)].sort());
        expect(await store.renew([id(a)], 'w1', 5000, { now: at(6001) })).toEqual([]);
        expect((await store.get('vital', a.deliveryKey))?.leaseUntil?.getTime()).toBe(at(7000).getTime());
        expect(await store.renew([], 'w1', 5000)).toEqual([]);
      });
    });

    describe('what a delivery carries', () => {
      it('round-trips context and drift, through get and claim', async () => {
        const context = { 'terra-reference': 'ref-1', 'x-trace': 'trace \u00e9 😀', empty: '' };
        const drift = [{ path: '/data/0/new_field', kind: 'unknown_property' }, { path: '/x', kind: 'type', detail: null }];
        const d = newDelivery({ context, drift });
        await store.putIfAbsent(d);
        expect(await store.get(d.provider, d.deliveryKey)).toMatchObject({ context, drift });
        const [claimed] = await store.claim({ workerId: 'w1', leaseMs: 1000, limit: 1, now: at(1) });
        expect(claimed).toMatchObject({ context, drift, body: d.body });
      });

      it('keeps labels exactly as sent, or refuses them: never stored as a different string', async () => {
        const labels = ['nul\u0000inside', 'lone\ud800high', 'lone\udc00low', 'pair\ud83d\ude00ok', '\u0000'];
        for (const label of labels) {
          for (const field of ['deliveryKey', 'eventType'] as const) {
            const d = newDelivery({ [field]: label });
            let stored: boolean;
            try {
              stored = (await store.putIfAbsent(d)).inserted;
            } catch {
              stored = false;
            }
            const got = await store.get(d.provider, d.deliveryKey);
            if (stored) {
              expect(got?.[field], JSON.stringify(label)).toBe(label);
            } else {
              expect(got, JSON.stringify(label)).toBeUndefined();
            }
            // The lossy spelling a driver would have written is not there either.
            const lossy = d.deliveryKey.replace(/\p{Surrogate}/gu, '\ufffd');
            if (lossy !== d.deliveryKey) expect(await store.get(d.provider, lossy)).toBeUndefined();
          }
        }
        // A well-formed pair is always stored.
        const pair = newDelivery({ deliveryKey: 'key-\ud83d\ude00' });
        expect(await store.putIfAbsent(pair)).toEqual(INSERTED);
        expect((await store.get(pair.provider, pair.deliveryKey))?.deliveryKey).toBe('key-\ud83d\ude00');
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

      it('refuses record identities that cannot be stored exactly (U+0000, unpaired surrogates), keeping the others apart', async () => {
        for (const userId of ['u\u0000bob', 'u\ud800', 'u\udc00']) {
          await expect(store.upsertRecords('vital', [record('k', 1, { userId }, { userId })]), JSON.stringify(userId)).rejects.toThrow(RangeError);
        }
        await expect(store.upsertRecords('vital', [record('k\u0000', 1, 'x')])).rejects.toThrow(RangeError);
        expect(await store.getRecords({ provider: 'vital', userId: 'u' })).toEqual([]);
        expect(await store.upsertRecords('vital', [record('k', 1, 'pair', { userId: 'u\ud83d\ude00' })])).toEqual({ applied: 1 });
      });

      it("finds nothing for a user or kind that cannot be stored exactly, not the records of its lossy spelling", async () => {
        // A driver would send an unpaired surrogate as U+FFFD, which a real user id may hold.
        expect(await store.upsertRecords('vital', [record('k', 1, 'real', { userId: 'u\ufffd', kind: 'kind\ufffd' })])).toEqual({ applied: 1 });
        for (const query of [
          { provider: 'vital' as const, userId: 'u\ud800' },
          { provider: 'vital' as const, userId: 'u\u0000' },
          { provider: 'vital' as const, userId: 'u\ufffd', kind: 'kind\udc00' },
          { provider: 'vital' as const, userId: 'u\ufffd', kind: 'kind\u0000' },
        ]) {
          expect(await store.getRecords(query), JSON.stringify(query)).toEqual([]);
        }
        expect((await store.getRecords({ provider: 'vital', userId: 'u\ufffd' })).map((r) => r.data)).toEqual(['real']);
      });

      it('keeps identities apart whose parts would run together (user, kind, key joined by any separator)', async () => {
        const joined = [
          record('c', 1, 'kind b:, key c', { kind: 'b:', userId: 'a' }),
          record(':c', 1, 'kind b, key :c', { kind: 'b', userId: 'a' }),
          record('c', 1, 'user a:b', { kind: '', userId: 'a:b' }),
          record('b:c', 1, 'empty kind', { kind: '', userId: 'a' }),
          record('1:bc', 1, 'length-like key', { kind: '', userId: 'a' }),
          record('c', 1, 'kind 1:b', { kind: '1:b', userId: 'a' }),
        ];
        expect(await store.upsertRecords('vital', joined, { receivedAt: T0 })).toEqual({ applied: joined.length });
        const ofA = await store.getRecords({ provider: 'vital', userId: 'a' });
        expect(ofA.map((r) => r.data).sort()).toEqual(['empty kind', 'kind 1:b', 'kind b, key :c', 'kind b:, key c', 'length-like key']);
        expect((await store.getRecords({ provider: 'vital', userId: 'a:b' })).map((r) => r.data)).toEqual(['user a:b']);
        // Not another provider's, though user, kind and key are the same.
        expect(await store.getRecords({ provider: 'terra', userId: 'a' })).toEqual([]);
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
          () => closing.renew(['1'], 'w', 1000),
          () => closing.listDead({ limit: 1 }),
          () => closing.requeue(['1']),
          () => closing.purge(),
          () => closing.get(provider, 'k'),
          () => closing.upsertRecords(provider, [record('k', 1, 1)]),
          () => closing.getRecords({ provider, userId: 'u' }),
        ];
        for (const call of calls) await expect(call()).rejects.toBeInstanceOf(StoreUnavailableError);
        // The other connection is unaffected.
        expect(await store.putIfAbsent(newDelivery())).toEqual(INSERTED);
      });
    });
  });
}
