import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/stores/memory-store.js';
import type { NewDelivery, WebhookStore } from '../../src/stores/webhook-store.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0 + ms);
const HOUR = 60 * 60 * 1000;

function delivery(key: string, extra: Partial<NewDelivery> = {}): NewDelivery {
  return { provider: 'vital', deliveryKey: key, eventType: 'daily.data.sleep.created', state: 'pending', body: '{"a":1}', receivedAt: at(0), ...extra };
}

/** Put, claim and complete `count` deliveries one at a time; the best of three rounds, in ms. */
async function cycleTime(store: WebhookStore, prefix: string, count: number): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      await store.putIfAbsent(delivery(`${prefix}-${round}-${i}`));
      const [claimed] = await store.claim({ workerId: 'w', leaseMs: 60_000, limit: 1, now: at(1) });
      await store.complete(claimed!.id, 'w');
    }
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('memory store costs', () => {
  it('claims as fast with 100,000 retained completed deliveries as with none', async () => {
    const empty = createMemoryStore();
    const full = createMemoryStore();
    for (let i = 0; i < 100_000; i++) await full.putIfAbsent(delivery(`old-${i}`, { lease: { workerId: 'w', leaseMs: 60_000 } }));
    for (const claimed of await full.claim({ workerId: 'other', leaseMs: 1, limit: 10, now: at(1) })) {
      throw new Error(`leased at insert, so not claimable: ${claimed.id}`);
    }
    // Complete every one of them through its id from putIfAbsent: ids are 1..100000 in a fresh store.
    let completed = 0;
    for (let id = 1; id <= 100_000; id++) if (await full.complete(String(id), 'w')) completed += 1;
    expect(completed).toBe(100_000);

    const emptyMs = await cycleTime(empty, 'e', 2_000);
    const fullMs = await cycleTime(full, 'f', 2_000);
    // A scan per claim made this about 1000 times slower; allow a lot of noise on a shared machine.
    expect(fullMs).toBeLessThan(emptyMs * 4 + 20);
  }, 60_000);

  it('leases at insert as the first attempt, renews the lease, and reclaims it only once it expires', async () => {
    const store = createMemoryStore();
    const result = await store.putIfAbsent(delivery('k', { lease: { workerId: 'w', leaseMs: 1_000 } }));
    if (!result.inserted) throw new Error('not inserted');
    const stored = await store.get('vital', 'k');
    expect(stored).toMatchObject({ id: result.id, attempts: 1, leaseOwner: 'w', state: 'pending' });
    const leaseEnd = stored!.leaseUntil!.getTime();

    expect(await store.renew([result.id, '999'], 'w', 10_000, { now: new Date(leaseEnd - 1) })).toEqual([result.id]);
    expect(await store.renew([result.id], 'intruder', 10_000)).toEqual([]);
    expect(await store.claim({ workerId: 'x', leaseMs: 1, limit: 5, now: new Date(leaseEnd + 1) })).toEqual([]);
    const [reclaimed] = await store.claim({ workerId: 'x', leaseMs: 1, limit: 5, now: new Date(leaseEnd + 10_000) });
    expect(reclaimed).toMatchObject({ id: result.id, attempts: 2, leaseOwner: 'x' });
    // The first owner is fenced now.
    expect(await store.renew([result.id], 'w', 10_000)).toEqual([]);
    expect(await store.complete(result.id, 'w')).toBe(false);
  });

  it('keeps context and drift as copies', async () => {
    const store = createMemoryStore();
    await store.putIfAbsent(delivery('k', { context: { reference: 'r-1' }, drift: [{ path: '/x' }] }));
    const got = await store.get('vital', 'k');
    expect(got).toMatchObject({ context: { reference: 'r-1' }, drift: [{ path: '/x' }] });
    (got!.drift as unknown[]).push(1);
    expect((await store.get('vital', 'k'))!.drift).toEqual([{ path: '/x' }]);
    await store.putIfAbsent(delivery('plain'));
    expect(await store.get('vital', 'plain')).toMatchObject({ context: undefined, drift: undefined });
  });

  it('drops completed bodies after body retention, purges quarantined ones too, in bounded steps', async () => {
    const store = createMemoryStore();
    for (let i = 0; i < 5; i++) {
      const put = await store.putIfAbsent(delivery(`c${i}`, { receivedAt: at(i), lease: { workerId: 'w', leaseMs: 60_000 } }));
      if (put.inserted) await store.complete(put.id, 'w');
    }
    await store.putIfAbsent(delivery('q', { state: 'quarantined', receivedAt: at(0), issues: [] }));
    await store.putIfAbsent(delivery('p', { receivedAt: at(0) }));
    const now = at(30 * HOUR);

    // Bodies first: 5 completed ones are past the 24 h default, but the limit is 3 per step.
    expect(await store.purge({ now, limit: 3 })).toEqual({ purged: 0, bodiesDropped: 3 });
    expect(await store.purge({ now, limit: 3 })).toEqual({ purged: 0, bodiesDropped: 2 });
    expect(await store.get('vital', 'c0')).toMatchObject({ state: 'completed', body: undefined });
    expect((await store.get('vital', 'q'))!.body).toBe('{"a":1}');

    // Past retention: completed and quarantined go, pending stays.
    const later = at(8 * 24 * HOUR);
    expect(await store.purge({ now: later, limit: 4 })).toEqual({ purged: 4, bodiesDropped: 0 });
    expect(await store.purge({ now: later, limit: 4 })).toEqual({ purged: 2, bodiesDropped: 0 });
    expect(await store.get('vital', 'q')).toBeUndefined();
    expect(await store.get('vital', 'p')).toMatchObject({ state: 'pending' });
  });
});
