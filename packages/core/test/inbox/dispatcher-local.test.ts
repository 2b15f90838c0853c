import { describe, expect, it } from 'vitest';
import { createDispatcher, HandlerTimeoutError } from '../../src/inbox/dispatcher.js';
import { createMemoryStore } from '../../src/stores/memory-store.js';
import type { NewDelivery, WebhookStore } from '../../src/stores/webhook-store.js';

const HOUR = 60 * 60 * 1000;

function delivery(key: string): NewDelivery {
  return { provider: 'thryve', deliveryKey: key, eventType: 'event.data.epoch.create', state: 'pending', body: '{}', receivedAt: new Date() };
}

/** Persists a delivery leased through a reservation, as the receiver does, and hands it over. */
async function handOver(store: WebhookStore, dispatcher: ReturnType<typeof createDispatcher>, key: string, run: () => Promise<void>) {
  const reservation = dispatcher.reserve();
  if (reservation === undefined) throw new Error('no room');
  const put = await store.putIfAbsent({ ...delivery(key), lease: reservation.lease });
  if (!put.inserted) throw new Error('duplicate');
  reservation.fill({ id: put.id, provider: 'thryve', deliveryKey: key, eventType: 'event.data.epoch.create', receivedAt: new Date() }, run);
  return put.id;
}

const until = async (check: () => boolean | Promise<boolean>) => {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

describe('dispatcher: in-process deliveries', () => {
  it('gives no room when stopped or when the queue is full, and takes it back on cancel', async () => {
    const store = createMemoryStore();
    const dispatcher = createDispatcher({ store, dispatch: async () => {}, maxQueued: 2, pollIntervalMs: HOUR });
    expect(dispatcher.reserve()).toBeUndefined();
    dispatcher.start();
    const first = dispatcher.reserve()!;
    const second = dispatcher.reserve()!;
    expect(dispatcher.reserve()).toBeUndefined();
    first.cancel();
    first.cancel(); // twice is once
    expect(dispatcher.reserve()).toBeDefined();
    second.cancel();
    await dispatcher.stop();
  });

  it('runs a handed-over delivery and completes it without claiming', async () => {
    const store = createMemoryStore();
    let claims = 0;
    const counting = { ...store, claim: (options: Parameters<WebhookStore['claim']>[0]) => ((claims += 1), store.claim(options)) };
    const dispatcher = createDispatcher({ store: counting, dispatch: () => Promise.reject(new Error('not for claims')), pollIntervalMs: HOUR });
    dispatcher.start();
    await until(() => claims === 1);
    let ran = 0;
    await handOver(store, dispatcher, 'a', async () => void (ran += 1));
    await until(async () => (await store.get('thryve', 'a'))?.state === 'completed');
    expect(ran).toBe(1);
    expect(claims).toBe(1);
    await dispatcher.stop();
  });

  it('retries a handed-over delivery whose run fails, as a claimed one', async () => {
    const store = createMemoryStore();
    const dispatcher = createDispatcher({ store, dispatch: async () => {}, pollIntervalMs: HOUR, onError: () => {} });
    dispatcher.start();
    await handOver(store, dispatcher, 'b', () => Promise.reject(new Error('handler down')));
    await until(async () => (await store.get('thryve', 'b'))?.lastError !== undefined);
    expect(await store.get('thryve', 'b')).toMatchObject({ state: 'pending', attempts: 1, leaseOwner: undefined, lastError: 'Error: handler down' });
    await dispatcher.stop();
  });

  it('releases a delivery filled after stop, without running it', async () => {
    const store = createMemoryStore();
    const dispatcher = createDispatcher({ store, dispatch: async () => {}, pollIntervalMs: HOUR });
    dispatcher.start();
    const reservation = dispatcher.reserve()!;
    const put = await store.putIfAbsent({ ...delivery('c'), lease: reservation.lease });
    await dispatcher.stop();
    let ran = false;
    reservation.fill({ id: put.inserted ? put.id : '', provider: 'thryve', deliveryKey: 'c', eventType: 'x', receivedAt: new Date() }, async () => {
      ran = true;
    });
    await until(async () => (await store.get('thryve', 'c'))?.leaseOwner === undefined);
    expect(ran).toBe(false);
    expect((await store.get('thryve', 'c'))?.attempts).toBe(0);
  });

  it('times out a claimed dispatch too', async () => {
    const store = createMemoryStore();
    await store.putIfAbsent(delivery('d'));
    const errors: unknown[] = [];
    const dispatcher = createDispatcher({
      store,
      dispatch: () => new Promise(() => {}),
      handlerTimeoutMs: 30,
      onError: (error) => errors.push(error),
    });
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    expect(errors[0]).toBeInstanceOf(HandlerTimeoutError);
  });

  it('does not run a queued delivery whose lease ran out and was claimed elsewhere; renews one still its own', async () => {
    const store = createMemoryStore();
    const errors: Array<{ phase: string }> = [];
    const dispatcher = createDispatcher({
      store,
      dispatch: async () => {},
      leaseMs: 40,
      concurrency: 1,
      pollIntervalMs: HOUR,
      onError: (_, context) => errors.push(context),
    });
    dispatcher.start();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const ran: string[] = [];
    await handOver(store, dispatcher, 'busy', async () => {
      ran.push('busy');
      await gate;
    });
    await handOver(store, dispatcher, 'taken', async () => void ran.push('taken'));
    await handOver(store, dispatcher, 'kept', async () => void ran.push('kept'));
    await until(() => ran.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100)); // both queued leases have run out
    const [claimed] = await store.claim({ workerId: 'other', leaseMs: 60_000, limit: 1, providers: ['thryve'] });
    expect(claimed?.deliveryKey).toBe('taken');
    release();
    await until(async () => (await store.get('thryve', 'kept'))?.state === 'completed');
    expect(ran).toEqual(['busy', 'kept']);
    expect(errors.some((context) => context.phase === 'renew')).toBe(true);
    expect((await store.get('thryve', 'taken'))?.leaseOwner).toBe('other');
    await dispatcher.stop();
  });
});

describe('dispatcher: leases while the store is unreachable', () => {
  it('waits before renewing again after a failed renewal instead of retrying every millisecond', async () => {
    const base = createMemoryStore();
    let failing = false;
    let renewals = 0;
    const store: WebhookStore = {
      ...base,
      renew: (...args) => ((renewals += 1), failing ? Promise.reject(new Error('ECONNREFUSED')) : base.renew(...args)),
    };
    await base.putIfAbsent(delivery('slow'));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const dispatcher = createDispatcher({ store, leaseMs: 400, pollIntervalMs: HOUR, handlerTimeoutMs: HOUR, onError: () => {}, dispatch: () => finished });
    dispatcher.start();
    await until(async () => (await base.get('thryve', 'slow'))?.leaseOwner !== undefined);
    failing = true;
    await new Promise((resolve) => setTimeout(resolve, 800));
    // One renewal when half the lease is left, then one every leaseMs / 4 (100 ms): about 7 in 800 ms,
    // where the half-lease rule alone, with a lease time that a failure does not move, made hundreds.
    expect(renewals).toBeGreaterThan(2);
    expect(renewals).toBeLessThan(20);
    failing = false;
    finish();
    await until(async () => (await base.get('thryve', 'slow'))?.state === 'completed');
    await dispatcher.stop();
  });

  it('runs a delivery once when its own poll takes it again after an outage outlasted the lease', async () => {
    const base = createMemoryStore();
    let outage = false;
    const hanging: Array<(error: Error) => void> = [];
    const store: WebhookStore = {
      ...base,
      claim: (options) => (outage ? Promise.reject(new Error('db down')) : base.claim(options)),
      // As a pool's connection attempt to a server that went away: it hangs until the test ends it.
      renew: (...args) => (outage ? new Promise((_, reject) => hanging.push(reject)) : base.renew(...args)),
    };
    await base.putIfAbsent(delivery('long'));
    let runs = 0;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const dispatcher = createDispatcher({
      store,
      leaseMs: 200,
      pollIntervalMs: 10,
      handlerTimeoutMs: HOUR,
      onError: () => {},
      dispatch: () => ((runs += 1), finished),
    });
    dispatcher.start();
    await until(() => runs === 1);
    outage = true;
    await new Promise((resolve) => setTimeout(resolve, 400)); // the lease ran out in the store
    outage = false;
    await new Promise((resolve) => setTimeout(resolve, 100)); // polls that find it claimable again
    expect(runs).toBe(1);
    for (const reject of hanging) reject(new Error('db down'));
    // A graceful stop waits for the one run, which records its outcome under the lease it now holds.
    let stopReturned = false;
    const stopped = dispatcher.stop({ graceful: true, timeoutMs: 5_000 }).then(() => void (stopReturned = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopReturned).toBe(false);
    finish();
    await stopped;
    expect(await base.get('thryve', 'long')).toMatchObject({ state: 'completed' });
  });
});
