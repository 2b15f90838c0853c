import { afterEach, describe, expect, it } from 'vitest';
import { hmacSignature } from '../../src/auth/hmac-signature.js';
import {
  createReceiver,
  type ProviderDefinition,
  type ThryveEvent,
  createTerraReceiver,
  createThryveReceiver,
  createVitalReceiver,
  type Receiver,
  type ThryveEventMap,
  type WorkerOptions,
} from '../../src/index.js';
import { thryveDeliveryKey, thryveProvider } from '../../src/providers/thryve/index.js';
import { createMemoryStore, type ClaimOptions, type WebhookStore } from '../../src/stores/index.js';
import { terraSamples, terraTestDelivery, thryveSamples, thryveTestDelivery, vitalTestDelivery } from '../../src/testing/index.js';

const SECRET = 'in-process-secret';
const TERRA_SECRET = 'terra-in-process-secret';
const VITAL_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const HOUR = 60 * 60 * 1000;

const receivers: Receiver<unknown>[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close({ graceful: false })));
});

/** The memory store, recording every claim call. */
function countingStore(): { store: WebhookStore; claims: ClaimOptions[]; upserts: () => number } {
  const inner = createMemoryStore();
  const claims: ClaimOptions[] = [];
  let upserts = 0;
  const store: WebhookStore = {
    ...inner,
    claim: (options) => {
      claims.push(options);
      return inner.claim(options);
    },
    upsertRecords: (...args) => {
      upserts += 1;
      return inner.upsertRecords(...args);
    },
  };
  return { store, claims, upserts: () => upserts };
}

function thryve(store: WebhookStore, worker: WorkerOptions = {}, storeRecords = true): Receiver<ThryveEventMap> {
  // A poll interval of an hour: anything dispatched within a test was dispatched without polling.
  // Records on unless said otherwise, so the tests see that the in-process path upserts them as the
  // poller's does.
  const receiver = createThryveReceiver({ secret: SECRET, store, storeRecords: storeRecords || undefined, worker: { pollIntervalMs: HOUR, ...worker } });
  receivers.push(receiver as Receiver<unknown>);
  return receiver;
}

function asRequest(delivery: { body: Buffer; headers: Record<string, string> }) {
  return { method: 'POST', headers: delivery.headers, body: { kind: 'buffer', buffer: delivery.body } } as const;
}

let users = 0;
/** A Thryve epoch delivery with a body (so a delivery key) of its own. */
function epoch() {
  const payload = thryveSamples['event.data.epoch.create']({ endUserAlias: `user-${(users += 1)}` });
  return thryveTestDelivery('event.data.epoch.create', { secret: SECRET, compress: false, payload });
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Waits (in event-loop turns, up to 5 s) until `check` is true. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function stateOf(store: WebhookStore, delivery: { body: Buffer }) {
  return store.get('thryve', thryveDeliveryKey(delivery.body));
}

describe('in-process dispatch', () => {
  it('dispatches a delivery this process persisted without claiming it, once, after the 204', async () => {
    const { store, claims, upserts } = countingStore();
    const receiver = thryve(store);
    await until(() => claims.length === 1); // the worker's first look at the store when it starts
    const handled: string[] = [];
    receiver.on('event.data.epoch.create', (event) => void handled.push(event.deliveryKey));
    const delivery = epoch();

    const response = await receiver.handle(asRequest(delivery));
    expect(response.status).toBe(204);
    expect(handled).toEqual([]); // the handlers start after the acknowledgement, not before
    await until(async () => (await stateOf(store, delivery))?.state === 'completed');

    expect(handled).toEqual([thryveDeliveryKey(delivery.body)]);
    expect(claims).toHaveLength(1);
    expect(await stateOf(store, delivery)).toMatchObject({ attempts: 1, leaseOwner: undefined });
    // The in-process path upserts the event's records, as the poller's does.
    expect(upserts()).toBe(1);
  });

  it('upserts no records on the in-process path by default (storeRecords unset)', async () => {
    const { store, claims, upserts } = countingStore();
    const receiver = thryve(store, {}, false);
    await until(() => claims.length === 1);
    const handled: number[] = [];
    receiver.on('event.data.epoch.create', (event) => void handled.push(event.records.length));
    const delivery = epoch();
    expect((await receiver.handle(asRequest(delivery))).status).toBe(204);
    await until(async () => (await stateOf(store, delivery))?.state === 'completed');
    expect(claims).toHaveLength(1); // dispatched in process, not polled
    expect(handled).toHaveLength(1);
    expect(handled[0]).toBeGreaterThan(0); // the handler still gets the event's records
    expect(upserts()).toBe(0);
  });

  it('neither parses nor validates the delivery again, and builds its event once', async () => {
    const { store } = countingStore();
    let validations = 0;
    let builds = 0;
    const validator = Object.create(thryveProvider.validator) as typeof thryveProvider.validator;
    validator.validate = (type, payload) => {
      validations += 1;
      return thryveProvider.validator.validate(type, payload);
    };
    const provider: ProviderDefinition<ThryveEvent> = {
      ...thryveProvider,
      validator,
      toEvent: (context) => {
        builds += 1;
        return thryveProvider.toEvent(context);
      },
    };
    const receiver = createReceiver<ThryveEventMap, ThryveEvent>(provider, {
      authenticators: [hmacSignature({ secrets: SECRET })],
      store,
      worker: { pollIntervalMs: HOUR },
    });
    receivers.push(receiver as Receiver<unknown>);
    // The receiver's warm-up (once per validator, in a later timer turn) parses, validates and builds
    // its own samples: let it finish, then count only the delivery's work.
    await until(() => validations === 2 && builds === 2);
    validations = 0;
    builds = 0;
    let handled = 0;
    receiver.on('event.data.epoch.create', () => void (handled += 1));
    const parse = JSON.parse;
    let parses = 0;
    JSON.parse = ((...args: Parameters<typeof JSON.parse>) => ((parses += 1), parse(...args))) as typeof JSON.parse;
    try {
      await receiver.handle(asRequest(epoch()));
      await until(() => handled === 1);
    } finally {
      JSON.parse = parse;
    }
    expect({ validations, builds, parses }).toEqual({ validations: 1, builds: 1, parses: 1 });
  });

  it('builds the same event as the no-store path: Terra\'s reference reaches the handler', async () => {
    const { store } = countingStore();
    const references: Array<string | undefined> = [];
    const keys: string[] = [];
    const receiver = createTerraReceiver({ secret: TERRA_SECRET, store, worker: { pollIntervalMs: HOUR } });
    receivers.push(receiver as Receiver<unknown>);
    receiver.on('activity', (event) => {
      references.push(event.reference);
      keys.push(event.deliveryKey);
    });
    const chunk = terraTestDelivery('activity', { secret: TERRA_SECRET });
    const withReference = { ...chunk, headers: { ...chunk.headers, 'terra-reference': 'ref-42' } };

    expect((await receiver.handle(asRequest(withReference))).status).toBe(204);
    await until(() => references.length === 1);
    expect(references).toEqual(['ref-42']);
    const stored = await store.get('terra', keys[0]!);
    expect(stored?.context).toMatchObject({ reference: 'ref-42' });

    // The poller's path (a delivery stored by a process without a worker) builds it from the stored context.
    // Another body: Terra's delivery key is the body's hash, so the same sample would be a retry.
    const otherPayload = terraSamples.activity();
    otherPayload.user.user_id = 'another-user';
    const other = terraTestDelivery('activity', { secret: TERRA_SECRET, payload: otherPayload });
    const storing = createTerraReceiver({ secret: TERRA_SECRET, store, worker: false });
    receivers.push(storing as Receiver<unknown>);
    await storing.handle(asRequest({ ...other, headers: { ...other.headers, 'terra-reference': 'ref-43' } }));
    receiver.worker!.wake();
    await until(() => references.length === 2);
    expect(references).toEqual(['ref-42', 'ref-43']);
  });

  it('leaves deliveries over the bounded queue to the poller, unleased', async () => {
    const { store, claims } = countingStore();
    const receiver = thryve(store, { concurrency: 1, maxQueued: 1 });
    await until(() => claims.length === 1);
    const gate = deferred();
    let calls = 0;
    receiver.on('event.data.epoch.create', async () => {
      calls += 1;
      await gate.promise;
    });
    const [running, queued, overflow] = [epoch(), epoch(), epoch()];
    expect((await receiver.handle(asRequest(running))).status).toBe(204);
    await until(() => calls === 1); // it holds the only slot now
    expect((await receiver.handle(asRequest(queued))).status).toBe(204); // waits in the queue of one
    expect((await receiver.handle(asRequest(overflow))).status).toBe(204); // the queue is full

    expect((await stateOf(store, queued))?.leaseOwner).toBe(receiver.worker!.workerId);
    expect(await stateOf(store, overflow)).toMatchObject({ leaseOwner: undefined, attempts: 0 });
    gate.resolve();
    await until(async () => (await stateOf(store, overflow))?.state === 'completed');
    expect(calls).toBe(3);
    // Only the overflow needed a claim (the receiver woke the worker when it stored it unleased).
    expect(claims.length).toBeGreaterThan(1);
    expect((await stateOf(store, queued))?.state).toBe('completed');
  });

  it('renews the lease of a slow handler so no other worker dispatches it meanwhile', async () => {
    const { store } = countingStore();
    const receiver = thryve(store, { leaseMs: 60 });
    const gate = deferred();
    let calls = 0;
    receiver.on('event.data.epoch.create', async () => {
      calls += 1;
      await gate.promise;
    });
    const delivery = epoch();
    await receiver.handle(asRequest(delivery));
    await until(() => calls === 1);
    // Five leases later, another worker still finds nothing to claim.
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await store.claim({ workerId: 'other-process', leaseMs: 60_000, limit: 10 })).toEqual([]);
    }
    gate.resolve();
    await until(async () => (await stateOf(store, delivery))?.state === 'completed');
    expect(calls).toBe(1);
    expect((await stateOf(store, delivery))?.attempts).toBe(1);
  });

  it('fails an attempt whose handler outlives handlerTimeoutMs and stops renewing its lease', async () => {
    const { store } = countingStore();
    const errors: unknown[] = [];
    const receiver = thryve(store, { leaseMs: 40, handlerTimeoutMs: 100, maxAttempts: 1 });
    receiver.onError((event) => void errors.push(event.error));
    const hung = deferred();
    receiver.on('event.data.epoch.create', () => hung.promise);
    const delivery = epoch();
    const started = Date.now();
    await receiver.handle(asRequest(delivery));
    await until(async () => (await stateOf(store, delivery))?.state === 'dead');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    const stored = await stateOf(store, delivery);
    expect(stored?.lastError).toMatch(/HandlerTimeoutError: .*100 ms/);
    expect(stored?.leaseOwner).toBeUndefined();
    expect(errors.some((error) => error instanceof Error && error.name === 'HandlerTimeoutError')).toBe(true);
    hung.resolve();
  });

  it('on close, releases the leases of queued deliveries and of handlers still running after the timeout', async () => {
    const { store, claims } = countingStore();
    const receiver = thryve(store, { concurrency: 1 });
    await until(() => claims.length === 1);
    const gate = deferred();
    let calls = 0;
    receiver.on('event.data.epoch.create', async () => {
      calls += 1;
      await gate.promise;
    });
    const deliveries = [epoch(), epoch(), epoch()];
    for (const delivery of deliveries) expect((await receiver.handle(asRequest(delivery))).status).toBe(204);
    await until(() => calls === 1);
    for (const delivery of deliveries) expect((await stateOf(store, delivery))?.leaseOwner).toBe(receiver.worker!.workerId);

    await receivers.splice(receivers.indexOf(receiver as Receiver<unknown>), 1)[0]!.close({ timeoutMs: 20 });
    for (const delivery of deliveries) {
      // Released: no lease, the attempt not counted, due at once for whichever worker comes next.
      expect(await stateOf(store, delivery)).toMatchObject({ state: 'pending', leaseOwner: undefined, attempts: 0 });
    }
    expect(calls).toBe(1);
    gate.resolve();
    // A delivery arriving after close is stored for the poll, not leased to the stopped worker.
    const late = epoch();
    expect((await receiver.handle(asRequest(late))).status).toBe(204);
    expect((await stateOf(store, late))?.leaseOwner).toBeUndefined();
  });
});

describe('one inbox per store', () => {
  it('runs one worker loop for three receivers on one store, claiming for all their providers', async () => {
    const { store, claims } = countingStore();
    const worker = { pollIntervalMs: HOUR };
    const thryveReceiver = thryve(store);
    const terraReceiver = createTerraReceiver({ secret: TERRA_SECRET, store, worker });
    const vitalReceiver = createVitalReceiver({ secret: VITAL_SECRET, store, worker });
    receivers.push(terraReceiver as Receiver<unknown>, vitalReceiver as Receiver<unknown>);
    await until(() => claims.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(terraReceiver.worker).toBe(thryveReceiver.worker);
    expect(vitalReceiver.worker).toBe(thryveReceiver.worker);
    // Three receivers, one first look at the store, for all three (three workers would have made three).
    expect(claims).toHaveLength(1);
    expect([...claims[0]!.providers!].sort()).toEqual(['terra', 'thryve', 'vital']);

    // Deliveries stored by processes without a worker: one poll claims them all and routes them.
    const seen: string[] = [];
    thryveReceiver.onAny((event) => void seen.push(event.provider));
    terraReceiver.onAny((event) => void seen.push(event.provider));
    vitalReceiver.onAny((event) => void seen.push(event.provider));
    const storing = [
      createThryveReceiver({ secret: SECRET, store, worker: false }),
      createTerraReceiver({ secret: TERRA_SECRET, store, worker: false }),
      createVitalReceiver({ secret: VITAL_SECRET, store, worker: false }),
    ] as const;
    receivers.push(...(storing as readonly Receiver<unknown>[]));
    await storing[0].handle(asRequest(epoch()));
    await storing[1].handle(asRequest(terraTestDelivery('sleep', { secret: TERRA_SECRET })));
    await storing[2].handle(asRequest(vitalTestDelivery('daily.data.sleep.created', { secret: VITAL_SECRET })));
    expect(claims).toHaveLength(1); // stored unleased, and nobody polled yet
    thryveReceiver.worker!.wake();
    await until(() => seen.length === 3);
    expect(seen.sort()).toEqual(['terra', 'thryve', 'vital']);
    expect([...claims[claims.length - 1]!.providers!].sort()).toEqual(['terra', 'thryve', 'vital']);
  });

  it('looks for the backlog of a provider whose receiver joins a worker already running', async () => {
    const { store, claims } = countingStore();
    thryve(store);
    await until(() => claims.length === 1);
    const waiting = vitalTestDelivery('daily.data.sleep.created', { secret: VITAL_SECRET });
    const storing = createVitalReceiver({ secret: VITAL_SECRET, store, worker: false });
    receivers.push(storing as Receiver<unknown>);
    await storing.handle(asRequest(waiting));
    let handled = 0;
    const late = createVitalReceiver({ secret: VITAL_SECRET, store, worker: { pollIntervalMs: HOUR } });
    receivers.push(late as Receiver<unknown>);
    late.onAny(() => void (handled += 1));
    await until(() => handled === 1); // well before the hourly poll
    expect(claims).toHaveLength(2);
  });

  it('claims with the options of the receivers still open: reconciled when one joins and when one leaves', async () => {
    const { store, claims } = countingStore();
    thryve(store, { leaseMs: 10_000 });
    await until(() => claims.length === 1);
    expect(claims[0]!.leaseMs).toBe(10_000);
    expect(claims[0]!.providers).toEqual(['thryve']);

    const vitalReceiver = createVitalReceiver({ secret: VITAL_SECRET, store, worker: { pollIntervalMs: HOUR, leaseMs: 30_000 } });
    receivers.push(vitalReceiver as Receiver<unknown>);
    await until(() => claims.length === 2); // joining wakes the worker
    expect(claims[1]!.leaseMs).toBe(30_000); // the largest asked for
    expect([...claims[1]!.providers!].sort()).toEqual(['thryve', 'vital']);

    await receivers.splice(receivers.indexOf(vitalReceiver as Receiver<unknown>), 1)[0]!.close();
    const worker = receivers[0]!.worker!;
    worker.wake();
    await until(() => claims.length === 3);
    expect(claims[2]!.leaseMs).toBe(10_000); // back to what the receiver still open asked for
    expect(claims[2]!.providers).toEqual(['thryve']);
  });

  it('refuses a receiver whose workerId no store can keep, before it joins: the next receiver on the store works', async () => {
    const { store, claims } = countingStore();
    expect(() => createVitalReceiver({ secret: VITAL_SECRET, store, worker: { workerId: 'a\u0000b' } })).toThrow(RangeError);
    // Had the refused one joined, it would be the store's first worker, and every later join would throw.
    thryve(store);
    await until(() => claims.length === 1);
    expect(claims[0]!.providers).toEqual(['thryve']);
  });

  it('keeps the shared worker running until the last receiver on the store closes', async () => {
    const { store } = countingStore();
    const thryveReceiver = thryve(store);
    const vitalReceiver = createVitalReceiver({ secret: VITAL_SECRET, store, worker: { pollIntervalMs: HOUR } });
    receivers.push(vitalReceiver as Receiver<unknown>);
    const worker = thryveReceiver.worker!;
    await receivers.splice(receivers.indexOf(thryveReceiver as Receiver<unknown>), 1)[0]!.close();
    expect(worker.reserve()).toBeDefined(); // still running: it serves vital

    let handled = 0;
    vitalReceiver.onAny(() => void (handled += 1));
    await vitalReceiver.handle(asRequest(vitalTestDelivery('daily.data.sleep.created', { secret: VITAL_SECRET })));
    await until(() => handled === 1);

    await receivers.splice(receivers.indexOf(vitalReceiver as Receiver<unknown>), 1)[0]!.close();
    expect(worker.reserve()).toBeUndefined(); // stopped with the last one
  });
});
