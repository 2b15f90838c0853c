import { thryveDeliveryKey } from '@wearhook/core/providers/thryve';
import { createMemoryStore } from '@wearhook/core/stores';
import { thryveSamples, thryveTestDelivery } from '@wearhook/core/testing';
import { thryveWebhooks as fastifyThryve } from '@wearhook/fastify';
import { thryveWebhooks as webThryve } from '@wearhook/web';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { post as postRaw } from './support/app-processes.js';
import { EPOCH_CREATE, THRYVE_SECRET, thryveDelivery } from './support/thryve-delivery.js';

// What the shared contract tables (thryve-http, terra-vital-http, ...) do not cover for the Fastify and
// Web adapters: how they sit in an app, and the serverless waitUntil option.

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** An Epoch push above Fastify's default bodyLimit (1 MiB), sent uncompressed. */
function bigDelivery(bytes: number) {
  const point = EPOCH_CREATE.data.epochData[0]!;
  const epochData = Array.from({ length: Math.ceil(bytes / JSON.stringify(point).length) }, () => point);
  return thryveDelivery({ ...EPOCH_CREATE, data: { ...EPOCH_CREATE.data, epochData } }, { compress: false });
}

describe('@wearhook/fastify in an app', () => {
  async function app() {
    const fastify = Fastify();
    const thryve = fastifyThryve({ secret: THRYVE_SECRET });
    const seen: number[] = [];
    thryve.on('event.data.epoch.create', (event) => void seen.push(event.points.length));
    // The app's own hooks (authentication, rate limits, IP lists) run on the webhook route too.
    const hooks: string[] = [];
    fastify.addHook('onRequest', async (request) => void hooks.push(`onRequest ${request.url}`));
    fastify.addHook('preHandler', async (request) => void hooks.push(`preHandler ${request.url}`));
    await fastify.register(thryve, { path: '/webhooks/thryve' });
    // The app's own JSON route keeps Fastify's parser: the plugin's catch-all is encapsulated.
    fastify.post('/api/echo', async (request) => ({ got: request.body }));
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => fastify.close());
    const { port } = fastify.server.address() as { port: number };
    return { url: (path: string) => `http://127.0.0.1:${port}${path}`, seen, hooks };
  }

  it("runs the app's hooks on the webhook route, the ones after parsing too", async () => {
    const { url, hooks } = await app();
    const delivery = thryveDelivery(EPOCH_CREATE);
    // An empty Content-Type, which Fastify 5 would answer itself, before any hook after onRequest.
    const response = await postRaw(url('/webhooks/thryve'), delivery.body, { ...delivery.headers, 'content-type': '' });
    expect(response.status).toBe(204);
    expect(hooks).toEqual(['onRequest /webhooks/thryve', 'preHandler /webhooks/thryve']);
  });

  it("takes deliveries above Fastify's 1 MiB default bodyLimit, up to wearhook's limit", async () => {
    const { url, seen } = await app();
    const big = bigDelivery(3 * 1024 * 1024);
    expect(big.body.length).toBeGreaterThan(3 * 1024 * 1024);
    const response = await postRaw(url('/webhooks/thryve'), big.body, big.headers);
    expect([response.status, response.body]).toEqual([204, '']);
    expect(seen).toEqual([JSON.parse(big.body.toString()).data.epochData.length]);
  });

  it("leaves the rest of the app's parsers alone", async () => {
    const { url } = await app();
    const response = await postRaw(url('/api/echo'), Buffer.from('{"a":1}'), { 'content-type': 'application/json' });
    expect(JSON.parse(response.body)).toEqual({ got: { a: 1 } });
  });

  it('refuses to register without a path, saying how', async () => {
    const fastify = Fastify();
    closers.push(() => fastify.close());
    await expect(fastify.register(fastifyThryve({ secret: THRYVE_SECRET }), {} as { path: string })).rejects.toThrow(/path: '\/webhooks\/thryve'/);
  });
});

describe('@wearhook/web with real Request objects', () => {
  it('is a Next.js App Router route module: export const POST = thryveWebhooks(...)', async () => {
    const route = { POST: webThryve({ secret: THRYVE_SECRET }) };
    const types: string[] = [];
    route.POST.onAny((event) => void types.push(event.type));
    const delivery = thryveDelivery(EPOCH_CREATE);
    const request = new Request('http://localhost/webhooks/thryve', { method: 'POST', headers: delivery.headers, body: delivery.body });
    const response = await route.POST(request);
    expect(response.status).toBe(204);
    expect(types).toEqual(['event.data.epoch.create']);
  });

  it('answers the JSON 500 body_already_consumed for a body whose stream is locked, rather than throwing', async () => {
    const handler = webThryve({ secret: THRYVE_SECRET });
    const delivery = thryveDelivery(EPOCH_CREATE);
    const request = new Request('http://localhost/webhooks/thryve', { method: 'POST', headers: delivery.headers, body: delivery.body });
    request.body!.getReader(); // taken by code before wearhook, not read
    const response = await handler(request);
    expect(response.status).toBe(500);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('body_already_consumed');
    expect(error.message).toContain('locked');
  });

  it("enforces the wire limit while reading the stream, when no Content-Length is declared", async () => {
    const handler = webThryve({ secret: THRYVE_SECRET, limits: { maxWireBytes: 64 * 1024 } });
    let pulled = 0;
    const chunk = new Uint8Array(16 * 1024);
    // An endless body: only a limit applied while reading can end it.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const request = new Request('http://localhost/', { method: 'POST', headers: { 'content-type': 'application/json', 'x-hmac-signature': '0'.repeat(64) }, body, duplex: 'half' } as RequestInit);
    const response = await handler(request);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
    expect(pulled).toBeLessThan(1024 * 1024);
  });

  it('hands the post-ack dispatch to waitUntil, and handlers have run once it settles', async () => {
    const store = createMemoryStore();
    const pending: Promise<unknown>[] = [];
    const handler = webThryve({ secret: THRYVE_SECRET, store, waitUntil: (promise) => void pending.push(promise) });
    closers.push(() => handler.receiver.close());
    const handled: string[] = [];
    handler.onAny((event) => void handled.push(event.deliveryKey));
    const payload = thryveSamples['event.data.epoch.create']();
    const delivery = thryveTestDelivery('event.data.epoch.create', { secret: THRYVE_SECRET, payload });
    const response = await handler(new Request('http://localhost/', { method: 'POST', headers: delivery.headers, body: delivery.body }));
    expect(response.status).toBe(204);
    expect(pending).toHaveLength(1);
    await Promise.all(pending);
    const key = thryveDeliveryKey(Buffer.from(JSON.stringify(payload)));
    expect(handled).toEqual([key]);
    expect((await store.get('thryve', key))?.state).toBe('completed');
    // A retry of the stored delivery is acknowledged and hands nothing more to the platform.
    const retry = await handler(new Request('http://localhost/', { method: 'POST', headers: delivery.headers, body: delivery.body }));
    expect([retry.status, pending.length]).toEqual([204, 1]);
  });

  it('hands the onDrift handlers to waitUntil too, so the platform does not freeze them', async () => {
    const store = createMemoryStore();
    const pending: Promise<unknown>[] = [];
    const handler = webThryve({ secret: THRYVE_SECRET, store, logger: false, waitUntil: (promise) => void pending.push(promise) });
    closers.push(() => handler.receiver.close());
    let driftDone = false;
    handler.onDrift(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      driftDone = true;
    });
    // endUserAlias is a string in Thryve's schema: a number there is drift, not a gate failure.
    const payload = { ...thryveSamples['event.data.epoch.create'](), endUserAlias: 42 as unknown as string };
    const delivery = thryveTestDelivery('event.data.epoch.create', { secret: THRYVE_SECRET, payload });
    const response = await handler(new Request('http://localhost/', { method: 'POST', headers: delivery.headers, body: delivery.body }));
    expect(response.status).toBe(204);
    expect(pending).toHaveLength(2);
    await Promise.all(pending);
    expect(driftDone).toBe(true);
  });
});

