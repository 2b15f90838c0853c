import { describe, expect, it } from 'vitest';
import { EventHub } from '../../src/events/event-hub.js';
import { createDispatcher } from '../../src/inbox/dispatcher.js';
import type { ProviderDispatch } from '../../src/inbox/provider-dispatch.js';
import { DeliveryLog } from '../../src/logging/delivery-log.js';
import type { Classified } from '../../src/receiver/payload-stages.js';
import { persistThenAcknowledge } from '../../src/receiver/persist-then-acknowledge.js';
import { createMemoryStore } from '../../src/stores/memory-store.js';

describe('reportReceipt with a logger that throws', () => {
  it('still acknowledges a persisted delivery, hands it to the worker, and reports the failure', async () => {
    const store = createMemoryStore();
    const worker = createDispatcher({ store, maxQueued: 1, pollIntervalMs: 60 * 60 * 1000, dispatch: async () => {}, onError: () => {} });
    worker.start();
    const reported: unknown[] = [];
    const hub = new EventHub<unknown>((event) => reported.push(event.error));
    const throwing = {
      debug() {},
      info() {
        throw new Error('logger transport down');
      },
      warn() {
        throw new Error('logger transport down');
      },
      error() {},
    };
    let dispatched = 0;
    const dispatch = { stored: async () => {}, received: async () => void (dispatched += 1) } as unknown as ProviderDispatch;
    const acknowledger = persistThenAcknowledge({ provider: 'thryve', store, hub, dispatch, worker, log: new DeliveryLog(throwing) });
    // A typed event with drift: the receipt writes a drift line through the logger.
    const classified = {
      received: {
        type: 'event.data.epoch.create',
        payload: {},
        deliveryKey: 'k1',
        receivedAt: new Date(),
        context: undefined,
        drift: { issues: [{ path: '/x', message: 'must NOT have additional properties' }], truncated: false },
      },
      quarantine: undefined,
    } as unknown as Classified;

    expect(await acknowledger.acknowledge(classified, '{}')).toMatchObject({ status: 204 });
    for (let i = 0; i < 200 && (await store.get('thryve', 'k1'))?.state !== 'completed'; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await store.get('thryve', 'k1')).toMatchObject({ state: 'completed' });
    expect(dispatched).toBe(1);
    expect(String(reported[0])).toContain('logger transport down');
    // The in-process queue's one place was given back: nothing leaked.
    const reservation = worker.reserve();
    expect(reservation).toBeDefined();
    reservation?.cancel();
    await worker.stop();
  });
});
