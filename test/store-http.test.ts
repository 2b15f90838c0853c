import type { Server } from 'node:http';
import { StoreUnavailableError, createThryveReceiver, createVitalReceiver, type Receiver } from '@wearhook/core';
import { createMemoryStore, type WebhookStore } from '@wearhook/core/stores';
import { vitalTestDelivery } from '@wearhook/core/testing';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { sendRaw } from './support/send-raw.js';
import { FRAMEWORKS, close, urlOf, type Framework } from './support/servers.js';
import { EPOCH_CREATE, THRYVE_SECRET, thryveDelivery } from './support/thryve-delivery.js';

// The durable inbox seen over HTTP, in every framework: a duplicate of a stored delivery is
// acknowledged and not handled again; a store that cannot persist gets 503 store_unavailable, never 2xx.

const VITAL_SECRET = `whsec_${Buffer.from('store-http-vital-secret').toString('base64')}`;

const servers: Server[] = [];
const receivers: Pick<Receiver<unknown>, 'close'>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

/** A memory store whose putIfAbsent fails like a store that is down or full. */
function failingStore(error: () => Error): WebhookStore & { attempts: number } {
  const inner = createMemoryStore();
  const store = Object.assign(Object.create(null) as object, inner, {
    attempts: 0,
    putIfAbsent() {
      store.attempts += 1;
      return Promise.reject(error());
    },
  }) as WebhookStore & { attempts: number };
  return store;
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function expectStoreUnavailable(response: request.Response): void {
  expect(response.status).toBe(503);
  expect(response.headers['retry-after']).toBe('5');
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(response.text)).toEqual({ error: { code: 'store_unavailable', message: expect.any(String) } });
}

/** A Vital receiver on a memory store, served by `framework`, and the delivery keys its handlers saw. */
async function serveVitalWithStore(framework: Framework): Promise<{ server: Server; handled: string[] }> {
  const receiver = createVitalReceiver({ secret: VITAL_SECRET, store: createMemoryStore(), worker: { pollIntervalMs: 20 } });
  receivers.push(receiver);
  const handled: string[] = [];
  receiver.onAny((event) => void handled.push(event.deliveryKey));
  const server = await framework.serve(receiver as never);
  servers.push(server);
  return { server, handled };
}

describe.each(FRAMEWORKS)('the durable inbox over HTTP in $name', (framework) => {
  it('acknowledges a duplicate Thryve delivery with 204 and handles it once (memory store)', async () => {
    const store = createMemoryStore();
    const receiver = createThryveReceiver({ secret: THRYVE_SECRET, store, worker: { pollIntervalMs: 20 } });
    receivers.push(receiver);
    const handled: string[] = [];
    receiver.onAny((event) => void handled.push(event.deliveryKey));
    const server = await framework.serve(receiver as never);
    servers.push(server);

    const delivery = thryveDelivery(EPOCH_CREATE);
    expect((await sendRaw(request(urlOf(server)).post(''), delivery.body, delivery.headers)).status).toBe(204);
    await until(() => handled.length === 1);
    // A retry, signed anew (zstd tool and openssl again): same decoded body, so the same delivery.
    const retry = thryveDelivery(EPOCH_CREATE);
    const response = await sendRaw(request(urlOf(server)).post(''), retry.body, retry.headers);
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handled).toHaveLength(1);
    const stored = await store.get('thryve', handled[0]!);
    expect(stored?.state).toBe('completed');
    expect(stored?.attempts).toBe(1);
  });

  it('acknowledges a duplicate Vital delivery (same svix-id, new signature) with 204 and handles it once', async () => {
    const { server, handled } = await serveVitalWithStore(framework);

    const id = 'msg_store_http_duplicate';
    const now = Math.floor(Date.now() / 1000);
    const first = vitalTestDelivery('daily.data.sleep.created', { secret: VITAL_SECRET, id, timestamp: now });
    expect((await sendRaw(request(urlOf(server)).post(''), first.body, first.headers)).status).toBe(204);
    await until(() => handled.length === 1);
    const retry = vitalTestDelivery('daily.data.sleep.created', { secret: VITAL_SECRET, id, timestamp: now + 1 });
    expect(retry.headers['svix-signature']).not.toBe(first.headers['svix-signature']);
    expect((await sendRaw(request(urlOf(server)).post(''), retry.body, retry.headers)).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handled).toEqual([`vital:${id}`]);
  });

  it('handles a captured Vital delivery resent with its svix-id header sent twice once, not twice', async () => {
    const { server, handled } = await serveVitalWithStore(framework);

    const id = 'msg_store_http_repeated_header';
    const captured = vitalTestDelivery('daily.data.sleep.created', { secret: VITAL_SECRET, id, timestamp: Math.floor(Date.now() / 1000) });
    expect((await sendRaw(request(urlOf(server)).post(''), captured.body, captured.headers)).status).toBe(204);
    await until(() => handled.length === 1);
    // The same bytes and signature, the id header twice: the signature verifies against the id, which
    // the key must be too (the joined "msg, msg" was once a new key, and the copy was handled again).
    const { 'svix-id': _once, ...others } = captured.headers;
    const resent = request(urlOf(server)).post('').set('svix-id', [id, id] as unknown as string);
    expect((await sendRaw(resent, captured.body, others)).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handled).toEqual([`vital:${id}`]);
  });

  it('answers 503 store_unavailable when the store rejects with StoreUnavailableError, and runs no handler', async () => {
    const store = failingStore(() => new StoreUnavailableError('disk full (simulated)'));
    const receiver = createThryveReceiver({ secret: THRYVE_SECRET, store, worker: { pollIntervalMs: 20 } });
    receivers.push(receiver);
    const handled: unknown[] = [];
    receiver.onAny((event) => void handled.push(event));
    const server = await framework.serve(receiver as never);
    servers.push(server);

    const delivery = thryveDelivery(EPOCH_CREATE);
    const response = await sendRaw(request(urlOf(server)).post(''), delivery.body, delivery.headers);
    expectStoreUnavailable(response);
    expect(store.attempts).toBe(1);
    // The body never echoes the payload.
    expect(response.text).not.toContain(EPOCH_CREATE.endUserId);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(handled).toEqual([]);
  });

  it('answers 503 store_unavailable when the store fails with any other error', async () => {
    const store = failingStore(() => new Error('SQLITE_IOERR: disk I/O error'));
    const receiver = createVitalReceiver({ secret: VITAL_SECRET, store, worker: false });
    receivers.push(receiver);
    const server = await framework.serve(receiver as never);
    servers.push(server);

    const delivery = vitalTestDelivery('daily.data.sleep.created', { secret: VITAL_SECRET });
    const response = await sendRaw(request(urlOf(server)).post(''), delivery.body, delivery.headers);
    expectStoreUnavailable(response);
    expect(response.text).not.toContain('SQLITE_IOERR');
  });
});
