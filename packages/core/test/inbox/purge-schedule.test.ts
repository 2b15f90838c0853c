import { describe, expect, it } from 'vitest';
import { purgeAll, schedulePurge } from '../../src/inbox/purge-schedule.js';
import { createMemoryStore } from '../../src/stores/memory-store.js';
import type { PurgeOptions, WebhookStore } from '../../src/stores/webhook-store.js';

const DAY = 24 * 60 * 60 * 1000;

async function storeWithCompleted(count: number, ageMs: number): Promise<WebhookStore> {
  const store = createMemoryStore();
  const receivedAt = new Date(Date.now() - ageMs);
  for (let i = 0; i < count; i++) {
    const put = await store.putIfAbsent({
      provider: 'vital',
      deliveryKey: `k${i}`,
      eventType: 'daily.data.sleep.created',
      state: 'pending',
      body: '{}',
      receivedAt,
      lease: { workerId: 'w', leaseMs: 60_000 },
    });
    if (put.inserted) await store.complete(put.id, 'w');
  }
  return store;
}

describe('purge schedule', () => {
  it('purges in bounded steps until a step comes back short', async () => {
    const store = await storeWithCompleted(2_500, 8 * DAY);
    const steps: PurgeOptions[] = [];
    const counting = { purge: (options?: PurgeOptions) => (steps.push(options!), store.purge(options)) };
    const touched = await purgeAll(counting, { retentionMs: () => 7 * DAY, bodyRetentionMs: () => DAY });
    expect(touched).toBe(2_500);
    expect(steps.map((step) => step.limit)).toEqual([1000, 1000, 1000]);
    expect(await store.get('vital', 'k0')).toBeUndefined();
  });

  it('drops bodies past body retention and keeps the keys', async () => {
    const store = await storeWithCompleted(3, 2 * DAY);
    expect(await purgeAll(store, { retentionMs: () => 7 * DAY, bodyRetentionMs: () => DAY })).toBe(3);
    expect(await store.get('vital', 'k1')).toMatchObject({ state: 'completed', body: undefined });
  });

  it('runs on its interval, reports errors, and stops', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const failing = {
      purge: () => {
        calls += 1;
        return Promise.reject(new Error('disk gone'));
      },
    };
    const stop = schedulePurge(failing, { retentionMs: () => DAY, bodyRetentionMs: () => DAY, onError: (error) => errors.push(error), intervalMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    stop();
    const after = calls;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(after).toBeGreaterThanOrEqual(1);
    expect(calls).toBe(after);
    expect(errors[0]).toMatchObject({ message: 'disk gone' });
  });
});
