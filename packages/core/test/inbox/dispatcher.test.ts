import { describe, expect, it } from 'vitest';
import type { RecordRef } from '../../src/events/webhook-event.js';
import { createDispatcher, type DispatchErrorContext } from '../../src/inbox/dispatcher.js';
import { createMemoryStore } from '../../src/stores/memory-store.js';
import type { ClaimedDelivery, NewDelivery, WebhookStore } from '../../src/stores/webhook-store.js';

const T0 = new Date('2025-03-01T12:00:00.000Z');

let seq = 0;
function delivery(overrides: Partial<NewDelivery> = {}): NewDelivery {
  seq += 1;
  return {
    provider: 'thryve',
    deliveryKey: `d${seq}`,
    eventType: 'event.data.epoch.create',
    state: 'pending',
    body: `{"n":${seq}}`,
    receivedAt: T0,
    ...overrides,
  };
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A clock tests move by hand. */
function manualClock(start = T0) {
  let current = start.getTime();
  return { now: () => new Date(current), advance: (ms: number) => (current += ms), at: (ms: number) => new Date(start.getTime() + ms) };
}

function collectErrors() {
  const errors: Array<{ error: unknown; context: DispatchErrorContext }> = [];
  return { errors, onError: (error: unknown, context: DispatchErrorContext) => errors.push({ error, context }) };
}

/** Lets every already-queued promise callback run. */
const settleMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

describe('dispatcher: what it stores about failures', () => {
  it('stores a last error holding U+0000 or a lone surrogate with those replaced, and refuses such a workerId', async () => {
    const store = createMemoryStore();
    await store.putIfAbsent(delivery());
    const dispatcher = createDispatcher({ store, onError: () => {}, dispatch: () => Promise.reject(new Error('bad\u0000byte \ud800 here')) });
    expect(await dispatcher.runOnce()).toMatchObject({ retried: 1 });
    const [row] = await Promise.all([store.get('thryve', `d${seq}`)]);
    expect(row?.lastError).toBe('Error: bad\uFFFDbyte \uFFFD here');
    expect(() => createDispatcher({ store, workerId: 'worker\u0000a', dispatch: async () => {} })).toThrow(RangeError);
  });
});

describe('dispatcher runOnce/drain', () => {
  it('keeps trying to record an outcome while the store is briefly unreachable, instead of leaving it leased', async () => {
    const store = createMemoryStore();
    await store.putIfAbsent(delivery());
    let outages = 2;
    const flaky: WebhookStore = {
      ...store,
      complete: async (...args) => {
        if (outages > 0) {
          outages -= 1;
          throw new Error('connection reset');
        }
        return store.complete(...args);
      },
    };
    const { errors, onError } = collectErrors();
    let dispatched = 0;
    const dispatcher = createDispatcher({ store: flaky, onError, dispatch: async () => void (dispatched += 1) });

    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, completed: 1, lost: 0 });
    expect(dispatched).toBe(1);
    expect(errors.map((e) => e.context.phase)).toEqual(['complete', 'complete']);
  });

  it('dispatches due deliveries and completes them, leaving quarantined ones alone', async () => {
    const store = createMemoryStore();
    const a = delivery();
    const b = delivery();
    const quarantined = delivery({ state: 'quarantined' });
    for (const d of [a, b, quarantined]) await store.putIfAbsent(d);
    const seen: string[] = [];
    const clock = manualClock();
    const dispatcher = createDispatcher({
      store,
      now: clock.now,
      dispatch: async (d) => {
        seen.push(d.deliveryKey);
      },
    });

    expect(await dispatcher.runOnce()).toEqual({ claimed: 2, completed: 2, retried: 0, dead: 0, lost: 0 });
    expect(seen.sort()).toEqual([a.deliveryKey, b.deliveryKey].sort());
    expect((await store.get('thryve', a.deliveryKey))?.state).toBe('completed');
    expect((await store.get('thryve', quarantined.deliveryKey))?.state).toBe('quarantined');
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 0 });
  });

  it('retries a failed dispatch after a full-jitter exponential delay', async () => {
    const store = createMemoryStore();
    const d = delivery();
    await store.putIfAbsent(d);
    const clock = manualClock();
    const { errors, onError } = collectErrors();
    const dispatcher = createDispatcher({
      store,
      now: clock.now,
      random: () => 0.5,
      backoff: { baseMs: 1000, maxMs: 60_000 },
      onError,
      dispatch: async () => {
        throw new Error('downstream is down');
      },
    });

    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    let stored = await store.get('thryve', d.deliveryKey);
    expect(stored).toMatchObject({ state: 'pending', attempts: 1, lastError: 'Error: downstream is down' });
    expect(stored?.nextAttemptAt.getTime()).toBe(clock.at(500).getTime()); // 0.5 * 1000 * 2^0
    expect(errors[0]?.context).toMatchObject({ phase: 'dispatch', outcome: { retryAt: clock.at(500) } });

    clock.advance(499);
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(1);
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    stored = await store.get('thryve', d.deliveryKey);
    expect(stored?.attempts).toBe(2);
    expect(stored?.nextAttemptAt.getTime()).toBe(clock.at(500 + 1000).getTime()); // 0.5 * 1000 * 2^1
  });

  it('makes a delivery dead after maxAttempts and requeue brings it back', async () => {
    const store = createMemoryStore();
    const d = delivery();
    await store.putIfAbsent(d);
    let calls = 0;
    let failing = true;
    const { errors, onError } = collectErrors();
    const dispatcher = createDispatcher({
      store,
      now: manualClock().now,
      random: () => 0, // retry at once, so drain runs every attempt
      maxAttempts: 3,
      onError,
      dispatch: async () => {
        calls += 1;
        if (failing) throw new Error(`failure ${calls}`);
      },
    });

    expect(await dispatcher.drain()).toEqual({ claimed: 3, completed: 0, retried: 2, dead: 1, lost: 0 });
    expect(calls).toBe(3);
    const [dead] = await store.listDead({ limit: 10 });
    expect(dead).toMatchObject({ deliveryKey: d.deliveryKey, attempts: 3, lastError: 'Error: failure 3' });
    expect(errors.map((e) => e.context.outcome)).toEqual([{ retryAt: T0 }, { retryAt: T0 }, { dead: true }]);

    failing = false;
    await store.requeue([dead!.id], { now: T0 });
    expect(await dispatcher.drain()).toMatchObject({ claimed: 1, completed: 1 });
  });

  it('reclaims the delivery of a crashed worker once its lease expires', async () => {
    const store = createMemoryStore();
    const d = delivery();
    await store.putIfAbsent(d);
    await store.claim({ workerId: 'crashed', leaseMs: 1000, limit: 1, now: T0 });
    const clock = manualClock();
    const seen: ClaimedDelivery[] = [];
    const dispatcher = createDispatcher({ store, now: clock.now, dispatch: async (x) => void seen.push(x) });

    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 0 });
    clock.advance(1000);
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, completed: 1 });
    expect(seen[0]).toMatchObject({ deliveryKey: d.deliveryKey, attempts: 2 });
  });

  it('gives up without dispatching once expired leases used up every attempt', async () => {
    const store = createMemoryStore();
    const d = delivery();
    await store.putIfAbsent(d);
    for (let i = 0; i < 2; i++) await store.claim({ workerId: `crash-${i}`, leaseMs: 10, limit: 1, now: new Date(T0.getTime() + i * 10) });
    let calls = 0;
    const dispatcher = createDispatcher({
      store,
      maxAttempts: 2,
      now: () => new Date(T0.getTime() + 100),
      onError: () => {},
      dispatch: async () => void (calls += 1),
    });
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, dead: 1 });
    expect(calls).toBe(0);
    expect((await store.get('thryve', d.deliveryKey))?.lastError).toMatch(/lease of attempt 2 expired/);
  });

  it('writes each record once although a crash makes the delivery dispatch twice', async () => {
    const store = createMemoryStore();
    const d = delivery();
    await store.putIfAbsent(d);
    const records: RecordRef[] = [
      { kind: 'thryve.epoch', userId: 'u1', key: 'a', version: 1, data: { v: 1 } },
      { kind: 'thryve.epoch', userId: 'u1', key: 'b', version: undefined, data: { v: 2 } },
    ];
    const clock = manualClock();
    let dispatches = 0;
    const handler = async (claimed: ClaimedDelivery, crash: boolean) => {
      dispatches += 1;
      await store.upsertRecords(claimed.provider, records, { receivedAt: claimed.receivedAt });
      if (crash) await new Promise(() => {}); // the process "dies" before completing
    };
    const crashing = createDispatcher({ store, now: clock.now, leaseMs: 1000, workerId: 'A', dispatch: (c) => handler(c, true) });
    const healthy = createDispatcher({ store, now: clock.now, leaseMs: 1000, workerId: 'B', dispatch: (c) => handler(c, false) });

    void crashing.runOnce();
    await settleMicrotasks();
    clock.advance(1000);
    expect(await healthy.runOnce()).toMatchObject({ claimed: 1, completed: 1 });
    expect(dispatches).toBe(2);
    const stored = await store.getRecords({ provider: 'thryve', userId: 'u1' });
    expect(stored.map((r) => r.revision)).toEqual([1, 1]);
  });

  it('reports store errors through the hook instead of throwing', async () => {
    const failingStore: Pick<WebhookStore, 'claim' | 'complete' | 'fail' | 'release'> = {
      ...createMemoryStore(),
      claim: () => Promise.reject(new Error('db down')),
    };
    const { errors, onError } = collectErrors();
    const dispatcher = createDispatcher({ store: failingStore, onError, dispatch: async () => {} });
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 0 });
    expect(errors).toMatchObject([{ context: { phase: 'claim' } }]);
  });

  it('rejects nonsensical options', () => {
    const store = createMemoryStore();
    const dispatch = async () => {};
    expect(() => createDispatcher({ store, dispatch, concurrency: 0 })).toThrow(RangeError);
    expect(() => createDispatcher({ store, dispatch, leaseMs: 1.5 })).toThrow(RangeError);
    expect(() => createDispatcher({ store, dispatch, maxAttempts: -1 })).toThrow(RangeError);
  });
});

describe('dispatcher start/stop/wake', () => {
  const HOUR = 60 * 60 * 1000;

  it('dispatches what is already due as soon as it starts', async () => {
    const store = createMemoryStore();
    await store.putIfAbsent(delivery());
    const dispatched = deferred<string>();
    const dispatcher = createDispatcher({ store, pollIntervalMs: HOUR, dispatch: async (d) => dispatched.resolve(d.deliveryKey) });
    dispatcher.start();
    await dispatched.promise;
    await dispatcher.stop();
  });

  it('picks up a new delivery on wake() without waiting for the next poll', async () => {
    const store = createMemoryStore();
    const dispatched = deferred<string>();
    const dispatcher = createDispatcher({ store, pollIntervalMs: HOUR, dispatch: async (d) => dispatched.resolve(d.deliveryKey) });
    dispatcher.start();
    await settleMicrotasks(); // the first (empty) claim is done; the worker now sleeps for an hour
    const d = delivery();
    await store.putIfAbsent(d);
    dispatcher.wake();
    expect(await dispatched.promise).toBe(d.deliveryKey);
    await dispatcher.stop();
    expect((await store.get('thryve', d.deliveryKey))?.state).toBe('completed');
  });

  it('never runs more than `concurrency` dispatches at once and claims again as slots free up', async () => {
    const store = createMemoryStore();
    for (let i = 0; i < 5; i++) await store.putIfAbsent(delivery());
    let active = 0;
    let maxActive = 0;
    const gates: Array<() => void> = [];
    let started = deferred();
    const dispatcher = createDispatcher({
      store,
      concurrency: 2,
      pollIntervalMs: HOUR,
      dispatch: async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        const gate = deferred();
        gates.push(gate.resolve);
        started.resolve();
        await gate.promise;
        active -= 1;
      },
    });
    dispatcher.start();
    for (let finished = 0; finished < 5; finished++) {
      while (gates.length === 0) {
        started = deferred();
        await started.promise;
      }
      await settleMicrotasks();
      gates.shift()!();
    }
    await dispatcher.stop();
    expect(maxActive).toBe(2);
    const remaining = await store.claim({ workerId: 'check', leaseMs: 1, limit: 10 });
    expect(remaining).toEqual([]);
  });

  it('stays idle (no busy loop) when woken while every slot is busy', async () => {
    const store = createMemoryStore();
    await store.putIfAbsent(delivery());
    const started = deferred();
    const gate = deferred();
    let claims = 0;
    const counting: Pick<WebhookStore, 'claim' | 'complete' | 'fail' | 'release'> = {
      ...store,
      claim: (options) => {
        claims += 1;
        return store.claim(options);
      },
    };
    const dispatcher = createDispatcher({
      store: counting,
      concurrency: 1,
      pollIntervalMs: HOUR,
      dispatch: async () => {
        started.resolve();
        await gate.promise;
      },
    });
    dispatcher.start();
    await started.promise;
    const claimsWhileBusy = claims;
    for (let i = 0; i < 3; i++) dispatcher.wake();
    // A loop spinning on resolved promises would never let this macrotask run.
    await settleMicrotasks();
    await settleMicrotasks();
    expect(claims).toBe(claimsWhileBusy);
    gate.resolve();
    await dispatcher.stop();
  });

  it('stop({ graceful: true }) waits for in-flight dispatches to finish', async () => {
    const store = createMemoryStore();
    const d = delivery();
    await store.putIfAbsent(d);
    const started = deferred();
    const gate = deferred();
    const dispatcher = createDispatcher({
      store,
      pollIntervalMs: HOUR,
      dispatch: async () => {
        started.resolve();
        await gate.promise;
      },
    });
    dispatcher.start();
    await started.promise;
    let stopped = false;
    const stopping = dispatcher.stop({ graceful: true }).then(() => (stopped = true));
    await settleMicrotasks();
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect((await store.get('thryve', d.deliveryKey))?.state).toBe('completed');
  });

  it('stop({ graceful: false }) releases in-flight leases so another worker can take over', async () => {
    const store = createMemoryStore();
    const d = delivery();
    await store.putIfAbsent(d);
    const started = deferred();
    const gate = deferred();
    const { errors, onError } = collectErrors();
    const dispatcher = createDispatcher({
      store,
      pollIntervalMs: HOUR,
      leaseMs: HOUR,
      onError,
      dispatch: async () => {
        started.resolve();
        await gate.promise;
      },
    });
    dispatcher.start();
    await started.promise;
    await dispatcher.stop({ graceful: false });

    const [taken] = await store.claim({ workerId: 'successor', leaseMs: 1000, limit: 1 });
    expect(taken).toMatchObject({ deliveryKey: d.deliveryKey, attempts: 1 });
    gate.resolve(); // the abandoned dispatch finishes; its lease is gone, so it cannot complete
    await settleMicrotasks();
    expect((await store.get('thryve', d.deliveryKey))?.leaseOwner).toBe('successor');
    expect(errors).toEqual([]);
  });

  it('stop({ graceful: true, timeoutMs }) releases what is still running after the timeout', async () => {
    const store = createMemoryStore();
    const d = delivery();
    await store.putIfAbsent(d);
    const started = deferred();
    const dispatcher = createDispatcher({
      store,
      pollIntervalMs: HOUR,
      leaseMs: HOUR,
      dispatch: async () => {
        started.resolve();
        await new Promise(() => {});
      },
    });
    dispatcher.start();
    await started.promise;
    await dispatcher.stop({ graceful: true, timeoutMs: 1 });
    expect((await store.get('thryve', d.deliveryKey))?.leaseOwner).toBeUndefined();
  });

  it('keeps polling after a claim error', async () => {
    const real = createMemoryStore();
    await real.putIfAbsent(delivery());
    let claims = 0;
    const store: Pick<WebhookStore, 'claim' | 'complete' | 'fail' | 'release'> = {
      ...real,
      claim: (options) => (++claims === 1 ? Promise.reject(new Error('db blip')) : real.claim(options)),
    };
    const { errors, onError } = collectErrors();
    const dispatched = deferred();
    const dispatcher = createDispatcher({ store, pollIntervalMs: 1, onError, dispatch: async () => dispatched.resolve() });
    dispatcher.start();
    await dispatched.promise;
    await dispatcher.stop();
    expect(errors[0]?.context.phase).toBe('claim');
  });
});
