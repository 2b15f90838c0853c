import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/stores/memory-store.js';
import { StoreUnavailableError } from '../../src/stores/store-unavailable-error.js';
import type { WebhookStore } from '../../src/stores/webhook-store.js';
import { describeWebhookStoreContract, newDelivery } from '../../src/testing/store-contract.js';

/**
 * A memory store has no connections; to run the multi-connection tests, each `open` gets a handle on
 * one shared store that can be closed on its own.
 */
function handle(shared: WebhookStore): WebhookStore {
  let closed = false;
  const guarded = {} as Record<string, unknown>;
  for (const name of Object.keys(shared) as Array<keyof WebhookStore>) {
    guarded[name] = (...args: unknown[]) =>
      closed
        ? Promise.reject(new StoreUnavailableError('closed handle'))
        : (shared[name] as (...a: unknown[]) => Promise<unknown>)(...args);
  }
  guarded.close = () => {
    closed = true;
    return Promise.resolve();
  };
  return guarded as unknown as WebhookStore;
}

describeWebhookStoreContract('memory', async () => {
  const shared = createMemoryStore();
  return { open: async () => handle(shared), dispose: () => shared.close() };
});

describe('memory store', () => {
  it('rejects with StoreUnavailableError after close', async () => {
    const store = createMemoryStore();
    await store.close();
    await expect(store.putIfAbsent(newDelivery())).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.claim({ workerId: 'w', leaseMs: 1, limit: 1 })).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('hands out copies: mutating a returned delivery does not change the store', async () => {
    const store = createMemoryStore();
    const delivery = newDelivery({ issues: { list: [1] } });
    await store.putIfAbsent(delivery);
    const got = await store.get(delivery.provider, delivery.deliveryKey);
    (got?.issues as { list: number[] }).list.push(2);
    expect((await store.get(delivery.provider, delivery.deliveryKey))?.issues).toEqual({ list: [1] });
  });
});
