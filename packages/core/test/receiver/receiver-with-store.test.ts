import { afterEach, describe, expect, it } from 'vitest';
import {
  createThryveReceiver,
  createVitalReceiver,
  StoreUnavailableError,
  type Receiver,
  type ThryveEventMap,
} from '../../src/index.js';
import { thryveDeliveryKey } from '../../src/providers/thryve/index.js';
import { createMemoryStore, type WebhookStore } from '../../src/stores/index.js';
import { thryveSamples, thryveTestDelivery, vitalTestDelivery } from '../../src/testing/index.js';

const SECRET = 'store-test-secret';
const VITAL_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const receivers: Receiver<unknown>[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close({ graceful: false })));
});

function thryve(store: WebhookStore, worker: { maxAttempts?: number } | false = {}, storeRecords?: boolean): Receiver<ThryveEventMap> {
  const receiver = createThryveReceiver({
    secret: SECRET,
    store,
    storeRecords,
    // The tests drive the worker with drain(), so it must not start polling on its own.
    worker: worker === false ? false : { ...worker, autoStart: false, backoff: { baseMs: 1, maxMs: 1 } },
  });
  receivers.push(receiver as Receiver<unknown>);
  return receiver;
}

function asRequest(delivery: { body: Buffer; headers: Record<string, string> }) {
  return { method: 'POST', headers: delivery.headers, body: { kind: 'buffer', buffer: delivery.body } } as const;
}

describe('a receiver with a store', () => {
  it('persists before acknowledging and dispatches after, from the store, once per delivery key', async () => {
    const store = createMemoryStore();
    const receiver = thryve(store, false);
    const handled: string[] = [];
    receiver.on('event.data.epoch.create', (event) => void handled.push(event.deliveryKey));
    const delivery = thryveTestDelivery('event.data.epoch.create', { secret: SECRET });

    expect((await receiver.handle(asRequest(delivery))).status).toBe(204);
    expect(handled).toEqual([]); // acknowledged, not yet dispatched: no worker in this process
    expect((await receiver.handle(asRequest(delivery))).status).toBe(204); // the provider's retry

    const dispatching = thryve(store);
    dispatching.on('event.data.epoch.create', (event) => void handled.push(event.deliveryKey));
    const summary = await dispatching.worker!.drain();
    expect(summary).toMatchObject({ claimed: 1, completed: 1 });
    expect(handled).toHaveLength(1);
    expect(handled[0]).toMatch(/^thryve:sha256:/);
  });

  it('logs a retry it acknowledges without handling again (duplicate_delivery), never silently', async () => {
    const store = createMemoryStore();
    const lines: Array<{ level: string; object: Record<string, unknown> }> = [];
    const logger = {
      info: (object: Record<string, unknown>) => void lines.push({ level: 'info', object }),
      warn: (object: Record<string, unknown>) => void lines.push({ level: 'warn', object }),
      error: (object: Record<string, unknown>) => void lines.push({ level: 'error', object }),
    };
    const receiver = createThryveReceiver({ secret: SECRET, store, logger, worker: false });
    receivers.push(receiver as Receiver<unknown>);
    const delivery = thryveTestDelivery('event.data.epoch.create', { secret: SECRET });
    expect((await receiver.handle(asRequest(delivery))).status).toBe(204);
    expect(lines).toEqual([]);
    expect((await receiver.handle(asRequest(delivery))).status).toBe(204);
    expect(lines).toEqual([
      { level: 'info', object: { code: 'duplicate_delivery', provider: 'thryve', eventType: 'event.data.epoch.create', deliveryKey: expect.stringMatching(/^thryve:sha256:/) } },
    ]);
  });

  it('with storeRecords: true, upserts the records once even when handlers fail and the delivery is retried', async () => {
    const store = createMemoryStore();
    const receiver = thryve(store, { maxAttempts: 5 }, true);
    let calls = 0;
    receiver.on('event.data.epoch.create', () => {
      calls += 1;
      if (calls < 3) throw new Error('downstream not ready');
    });
    const payload = thryveSamples['event.data.epoch.create']();
    await receiver.handle(asRequest(thryveTestDelivery('event.data.epoch.create', { secret: SECRET, payload })));
    const summary = await receiver.worker!.drain();
    expect(calls).toBe(3);
    expect(summary).toMatchObject({ completed: 1, retried: 2 });
    const records = await store.getRecords({ provider: 'thryve', userId: payload.endUserId });
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) expect(record.revision).toBe(1);
  });

  it('refuses a storeRecords that is not a boolean, and storeRecords: true without a store', () => {
    expect(() => createThryveReceiver({ secret: SECRET, store: createMemoryStore(), storeRecords: 'true' as never, worker: false })).toThrow(
      /storeRecords must be true or false, got "true"/,
    );
    expect(() => createThryveReceiver({ secret: SECRET, storeRecords: true })).toThrow(/storeRecords: true but no store/);
    expect(() => createThryveReceiver({ secret: SECRET, storeRecords: false })).not.toThrow();
  });

  it.each([undefined, false])('with storeRecords: %s, handlers still get the event and its records, and the store keeps none', async (storeRecords) => {
    const store = createMemoryStore();
    const receiver = createThryveReceiver({ secret: SECRET, store, storeRecords, worker: { autoStart: false } });
    receivers.push(receiver as Receiver<unknown>);
    const seen: number[] = [];
    receiver.on('event.data.epoch.create', (event) => void seen.push(event.records.length));
    const payload = thryveSamples['event.data.epoch.create']();
    expect((await receiver.handle(asRequest(thryveTestDelivery('event.data.epoch.create', { secret: SECRET, payload })))).status).toBe(204);
    expect(await receiver.worker!.drain()).toMatchObject({ completed: 1 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThan(0);
    expect(await store.getRecords({ provider: 'thryve', userId: payload.endUserId })).toEqual([]);
  });

  it('marks a delivery dead after maxAttempts and can requeue it', async () => {
    const store = createMemoryStore();
    const receiver = thryve(store, { maxAttempts: 2 });
    let fail = true;
    receiver.on('event.data.daily.create', () => {
      if (fail) throw new Error('still broken');
    });
    const reported: Array<{ phase: string; message: string }> = [];
    receiver.onError((event) => void reported.push({ phase: event.phase, message: String((event.error as Error).message) }));
    await receiver.handle(asRequest(thryveTestDelivery('event.data.daily.create', { secret: SECRET })));
    expect(await receiver.worker!.drain()).toMatchObject({ dead: 1 });
    // Each failed attempt is a handler error; going dead is said once more, so nobody has to infer it.
    expect(reported.filter((r) => r.phase === 'handler')).toHaveLength(2);
    const deadLines = reported.filter((r) => r.phase === 'dispatch');
    expect(deadLines).toHaveLength(1);
    expect(deadLines[0]!.message).toMatch(/dead after 2 attempts.*store\.requeue.*still broken/);
    const dead = await store.listDead({ limit: 10 });
    expect(dead).toHaveLength(1);
    expect(dead[0]!.lastError).toContain('still broken');
    fail = false;
    await store.requeue(dead.map((d) => d.id));
    expect(await receiver.worker!.drain()).toMatchObject({ completed: 1 });
  });

  it('keeps unknown and invalid deliveries quarantined, surfaces them, and never dispatches them as events', async () => {
    const store = createMemoryStore();
    const receiver = thryve(store);
    const surfaced: string[] = [];
    receiver.onUnknown((event) => void surfaced.push(`unknown:${event.type}`));
    receiver.onInvalid((event) => void surfaced.push(`invalid:${event.type}`));
    receiver.onAny(() => void surfaced.push('event'));
    const unknown = thryveTestDelivery('event.data.epoch.create', {
      secret: SECRET,
      compress: false,
      payload: { ...thryveSamples['event.data.epoch.create'](), type: 'event.data.measurement.create' as 'event.data.epoch.create' },
    });
    expect((await receiver.handle(asRequest(unknown))).status).toBe(204);
    await new Promise((resolve) => setImmediate(resolve));
    expect(surfaced).toEqual(['unknown:event.data.measurement.create']);
    expect(await receiver.worker!.drain()).toMatchObject({ claimed: 0 });
    const stored = await store.get('thryve', thryveDeliveryKey(unknown.body));
    expect(stored?.state).toBe('quarantined');
    expect(stored?.issues).toBeDefined();
  });

  it('answers 503 store_unavailable when the store cannot persist, and acknowledges nothing', async () => {
    const store = createMemoryStore();
    const failing: WebhookStore = {
      ...store,
      putIfAbsent: async () => {
        throw new StoreUnavailableError('disk full');
      },
    };
    const receiver = thryve(failing, false);
    const response = await receiver.handle(asRequest(thryveTestDelivery('event.data.epoch.create', { secret: SECRET })));
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body!)).toMatchObject({ error: { code: 'store_unavailable' } });

    const broken: WebhookStore = { ...store, putIfAbsent: async () => Promise.reject(new Error('ECONNRESET')) };
    const second = thryve(broken, false);
    expect((await second.handle(asRequest(thryveTestDelivery('event.data.epoch.create', { secret: SECRET })))).status).toBe(503);
  });

  it('writes nothing for refused deliveries: bad signature, corrupt body, bad JSON, strict refusals', async () => {
    const store = createMemoryStore();
    const receiver = thryve(store, false);
    const strict = createThryveReceiver({ secret: SECRET, store, worker: false, strict: true });
    const good = thryveTestDelivery('event.data.epoch.create', { secret: SECRET });
    const refused = [
      { ...good, headers: { ...good.headers, 'x-hmac-signature': '0'.repeat(64) } },
      thryveTestDelivery('event.data.epoch.create', { secret: 'wrong' }),
      { ...good, headers: { ...good.headers, 'content-encoding': 'gzip' } },
    ];
    for (const delivery of refused) expect((await receiver.handle(asRequest(delivery))).status).toBeGreaterThanOrEqual(400);
    const unknownType = thryveTestDelivery('event.data.epoch.create', {
      secret: SECRET,
      compress: false,
      payload: { ...thryveSamples['event.data.epoch.create'](), type: 'event.data.other' as 'event.data.epoch.create' },
    });
    expect((await strict.handle(asRequest(unknownType))).status).toBe(422);
    expect(await store.claim({ workerId: 'probe', leaseMs: 1, limit: 100 })).toEqual([]);
    expect(await store.purge({ olderThan: new Date(Date.now() + 60_000) })).toEqual({ purged: 0, bodiesDropped: 0 });
    expect(await store.get('thryve', thryveDeliveryKey(unknownType.body))).toBeUndefined();
    // The same delivery to the lenient receiver is kept, quarantined: the probe above can see it.
    expect((await receiver.handle(asRequest(unknownType))).status).toBe(204);
    expect((await store.get('thryve', thryveDeliveryKey(unknownType.body)))?.state).toBe('quarantined');
  });

  it('lets receivers of different providers share one store and one worker, which routes each delivery to its receiver', async () => {
    const store = createMemoryStore();
    const thryveReceiver = thryve(store);
    const vitalReceiver = createVitalReceiver({ secret: VITAL_SECRET, store, worker: { autoStart: false } });
    receivers.push(vitalReceiver as Receiver<unknown>);
    const seen: string[] = [];
    thryveReceiver.onAny((event) => void seen.push(event.provider));
    vitalReceiver.onAny((event) => void seen.push(event.provider));
    await thryveReceiver.handle(asRequest(thryveTestDelivery('event.data.epoch.update', { secret: SECRET })));
    await vitalReceiver.handle(asRequest(vitalTestDelivery('daily.data.sleep.created', { secret: VITAL_SECRET })));
    expect(vitalReceiver.worker).toBe(thryveReceiver.worker);
    expect(await thryveReceiver.worker!.drain()).toMatchObject({ claimed: 2, completed: 2 });
    expect(seen.sort()).toEqual(['thryve', 'vital']);
  });
});
