import { afterEach, describe, expect, it } from 'vitest';
import {
  createReceiver,
  createThryveReceiver,
  type ErrorEvent,
  type ProviderDefinition,
  type Receiver,
  type ThryveEpochDataEvent,
  type ThryveEvent,
  type ThryveEventMap,
} from '../../src/index.js';
import { thryveProvider } from '../../src/providers/thryve/index.js';
import { createMemoryStore } from '../../src/stores/index.js';
import { hmacSignature } from '../../src/auth/hmac-signature.js';
import type { ThryveEpochDataPayload, ThryveEpochDataSource } from '../../src/providers/thryve/payload-types.js';
import { thryveSamples, thryveTestDelivery } from '../../src/testing/index.js';

const SECRET = 'pipeline-test-secret';
const receivers: Receiver<unknown>[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close({ graceful: false })));
});

function asRequest(delivery: { body: Buffer; headers: Record<string, string> }) {
  return { method: 'POST', headers: delivery.headers, body: { kind: 'buffer', buffer: delivery.body } } as const;
}

/** The Thryve provider, counting how often it builds a typed event. */
function countingProvider(): { provider: ProviderDefinition<ThryveEvent>; builds: () => number } {
  let builds = 0;
  const provider: ProviderDefinition<ThryveEvent> = {
    ...thryveProvider,
    toEvent: (context) => {
      builds += 1;
      return thryveProvider.toEvent(context);
    },
  };
  return { provider, builds: () => builds };
}

function receiverOf(provider: ProviderDefinition<ThryveEvent>, options: Partial<Parameters<typeof createReceiver>[1]> = {}) {
  const receiver = createReceiver<ThryveEventMap, ThryveEvent>(provider, {
    authenticators: [hmacSignature({ secrets: SECRET })],
    ...options,
  });
  receivers.push(receiver as Receiver<unknown>);
  return receiver;
}

/** An epoch batch of `count` points (about 330 bytes of JSON each). */
function epochBatch(count: number): ThryveEpochDataPayload<'event.data.epoch.create'> {
  const sample = thryveSamples['event.data.epoch.create']();
  const [first] = (sample.data as ThryveEpochDataSource).epochData;
  const start = Date.parse('2022-09-07T00:00:00Z');
  const epochData = Array.from({ length: count }, (_, i) => ({
    ...first!,
    startTimestamp: new Date(start + i * 60_000).toISOString(),
    endTimestamp: new Date(start + (i + 1) * 60_000).toISOString(),
  }));
  return { ...sample, data: { ...(sample.data as ThryveEpochDataSource), epochData } };
}

describe('the receiver pipeline', () => {
  it('with a store, validates but does not build the typed event before acknowledging; the worker builds it', async () => {
    const { provider, builds } = countingProvider();
    const store = createMemoryStore();
    const receiver = receiverOf(provider, { store, worker: { autoStart: false } });
    const seen: number[] = [];
    receiver.on('event.data.epoch.create', (event) => void seen.push(event.points.length));

    expect((await receiver.handle(asRequest(thryveTestDelivery('event.data.epoch.create', { secret: SECRET })))).status).toBe(204);
    expect(builds()).toBe(0);
    expect(await receiver.worker!.drain()).toMatchObject({ completed: 1 });
    expect(builds()).toBe(1);
    expect(seen).toEqual([3]);
  });

  it('with a store, still quarantines and surfaces invalid payloads without building an event', async () => {
    const { provider, builds } = countingProvider();
    const store = createMemoryStore();
    const receiver = receiverOf(provider, { store, worker: false });
    const invalid: unknown[] = [];
    receiver.onInvalid((event) => void invalid.push(event.payload));
    const payload = { ...thryveSamples['event.data.epoch.create'](), endUserId: 42 } as unknown as ThryveEpochDataPayload<'event.data.epoch.create'>;
    expect((await receiver.handle(asRequest(thryveTestDelivery('event.data.epoch.create', { secret: SECRET, payload })))).status).toBe(204);
    await new Promise((resolve) => setImmediate(resolve));
    expect(invalid).toEqual([payload]);
    expect(builds()).toBe(0);
  });

  it('without a store, builds the event once and computes points and records only when a handler reads them', async () => {
    const { provider, builds } = countingProvider();
    const receiver = receiverOf(provider);
    const events: ThryveEpochDataEvent[] = [];
    receiver.on('event.data.epoch.create', (event) => void events.push(event));
    expect((await receiver.handle(asRequest(thryveTestDelivery('event.data.epoch.create', { secret: SECRET })))).status).toBe(204);
    expect(builds()).toBe(1);
    const [event] = events;
    expect(event!.points).toBe(event!.points);
    expect(event!.records).toHaveLength(3);
    expect(event!.records).toBe(event!.records);
  });

  it('accepts a body of several megabytes (the path that lets each form of the body go)', async () => {
    const receiver = createThryveReceiver({ secret: SECRET });
    receivers.push(receiver as Receiver<unknown>);
    const counts: number[] = [];
    receiver.on('event.data.epoch.create', (event) => void counts.push(event.points.length, event.records.length));
    const payload = epochBatch(8_000);
    const delivery = thryveTestDelivery('event.data.epoch.create', { secret: SECRET, payload });
    expect(JSON.stringify(payload).length).toBeGreaterThan(2 * 1024 * 1024);
    expect((await receiver.handle(asRequest(delivery))).status).toBe(204);
    expect(counts).toEqual([8_000, 8_000]);
  });

  it('answers 500 handler_failed and reports to onError when the one handler throws or rejects', async () => {
    for (const failing of [
      () => {
        throw new Error('sync failure');
      },
      async () => Promise.reject(new Error('async failure')),
    ]) {
      const receiver = receiverOf(thryveProvider);
      const errors: ErrorEvent[] = [];
      receiver.onError((event) => void errors.push(event));
      receiver.on('event.data.epoch.create', failing);
      const response = await receiver.handle(asRequest(thryveTestDelivery('event.data.epoch.create', { secret: SECRET })));
      expect(response.status).toBe(500);
      expect(JSON.parse(response.body!)).toMatchObject({ error: { code: 'handler_failed' } });
      expect(errors.map((e) => [e.phase, (e.error as Error).message])).toEqual([
        ['handler', expect.stringMatching(/failure$/)],
        ['request', expect.any(String)],
      ]);
    }
  });

  it('waits for an asynchronous handler before acknowledging', async () => {
    const receiver = receiverOf(thryveProvider);
    let done = false;
    receiver.on('event.data.epoch.create', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      done = true;
    });
    expect((await receiver.handle(asRequest(thryveTestDelivery('event.data.epoch.create', { secret: SECRET })))).status).toBe(204);
    expect(done).toBe(true);
  });

  it('runs the handlers for the type and the catch-alls, and reports each failure', async () => {
    const receiver = receiverOf(thryveProvider);
    const calls: string[] = [];
    const errors: unknown[] = [];
    receiver.onError((event) => void (event.phase === 'handler' && errors.push(event.error)));
    receiver.on('event.data.epoch.create', () => void calls.push('typed'));
    receiver.on(['event.data.epoch.create', 'event.data.epoch.update'], () => {
      calls.push('typed-2');
      throw new Error('one');
    });
    receiver.onAny(() => void calls.push('any'));
    receiver.onAny(async () => {
      calls.push('any-2');
      throw new Error('two');
    });
    const response = await receiver.handle(asRequest(thryveTestDelivery('event.data.epoch.create', { secret: SECRET })));
    expect(response.status).toBe(500);
    expect(calls).toEqual(['typed', 'typed-2', 'any', 'any-2']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['one', 'two']);
  });

  it('calls only the handlers subscribed before the delivery, not those a handler subscribes', async () => {
    const receiver = receiverOf(thryveProvider);
    let late = 0;
    let first = 0;
    receiver.onAny(() => {
      first += 1;
      if (first === 1) receiver.onAny(() => void (late += 1));
    });
    const delivery = thryveTestDelivery('event.data.epoch.create', { secret: SECRET });
    await receiver.handle(asRequest(delivery));
    expect(late).toBe(0);
    await receiver.handle(asRequest(delivery));
    expect(late).toBe(1);
  });

  it('accepts Content-Type spellings with parameters and case, and refuses other media types', async () => {
    const receiver = receiverOf(thryveProvider);
    const delivery = thryveTestDelivery('event.data.epoch.create', { secret: SECRET });
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8', ' application/vnd.thryve+json ']) {
      expect((await receiver.handle(asRequest({ ...delivery, headers: { ...delivery.headers, 'content-type': type } }))).status).toBe(204);
    }
    expect((await receiver.handle(asRequest({ ...delivery, headers: { ...delivery.headers, 'content-type': 'text/plain' } }))).status).toBe(415);
  });

  it('accepts the method in any case', async () => {
    const receiver = receiverOf(thryveProvider);
    const delivery = thryveTestDelivery('event.data.epoch.create', { secret: SECRET });
    expect((await receiver.handle({ ...asRequest(delivery), method: 'post' })).status).toBe(204);
    expect((await receiver.handle({ ...asRequest(delivery), method: 'GET' })).status).toBe(405);
  });
});
