import { request as httpRequest, type Server } from 'node:http';
import { createThryveReceiver, type ErrorEvent, type ThryveWebhookOptions } from '@wearhook/core';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { FRAMEWORKS, close, urlOf, type Framework, type ParserSetup } from './support/servers.js';
import { zstdCli } from './support/cli-tools.js';
import { sendRaw } from './support/send-raw.js';
import { EPOCH_CREATE, THRYVE_SECRET, signedThryveBytes, thryveDelivery } from './support/thryve-delivery.js';

interface Harness {
  server: Server;
  events: { type: string; event: unknown }[];
  errors: ErrorEvent[];
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

type ThryveReceiver = ReturnType<typeof createThryveReceiver>;

async function start(
  framework: Framework,
  options: Partial<ThryveWebhookOptions> = {},
  parser: ParserSetup = 'none',
  setup: (receiver: ThryveReceiver) => void = () => {},
): Promise<Harness> {
  const receiver = createThryveReceiver({ secret: THRYVE_SECRET, ...options });
  setup(receiver);
  const harness: Harness = { server: undefined as unknown as Server, events: [], errors: [] };
  receiver.onAny((event) => void harness.events.push({ type: 'any', event }));
  receiver.onUnknown((event) => void harness.events.push({ type: 'unknown', event }));
  receiver.onInvalid((event) => void harness.events.push({ type: 'invalid', event }));
  receiver.onError((event) => void harness.errors.push(event));
  harness.server = await framework.serve(receiver as never, parser);
  servers.push(harness.server);
  return harness;
}

function post(harness: Harness, body: Buffer | string, headers: Record<string, string>) {
  return sendRaw(request(urlOf(harness.server)).post(''), body, headers);
}

function expectError(response: request.Response, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(response.text)).toMatchObject({ error: { code } });
}

describe.each(FRAMEWORKS)('Thryve over HTTP in $name', (framework) => {
  it('accepts a zstd delivery made by the zstd tool and signed by openssl, with a typed event', async () => {
    const harness = await start(framework);
    const delivery = thryveDelivery(EPOCH_CREATE);
    const response = await post(harness, delivery.body, delivery.headers);
    expect(response.status).toBe(204);
    expect(harness.events).toHaveLength(1);
    const event = harness.events[0]!.event as { type: string; deliveryKey: string; points: { start: Date; dataTypeId: number }[] };
    expect(event.type).toBe('event.data.epoch.create');
    expect(event.deliveryKey).toMatch(/^thryve:sha256:[0-9a-f]{64}$/);
    expect(event.points[0]!.start).toEqual(new Date('2022-09-07T19:39:32Z'));
    expect(event.points[0]!.dataTypeId).toBe(1000);
  });

  it('answers 405 with Allow: POST to other methods', async () => {
    const harness = await start(framework);
    const response = await request(urlOf(harness.server)).get('');
    expectError(response, 405, 'method_not_allowed');
    expect(response.headers.allow).toBe('POST');
  });

  it('answers 401 to a missing, a wrong and a tampered signature', async () => {
    const harness = await start(framework);
    const delivery = thryveDelivery(EPOCH_CREATE);
    const { 'x-hmac-signature': _signature, ...unsigned } = delivery.headers;
    expectError(await post(harness, delivery.body, unsigned), 401, 'missing_signature');
    const wrong = thryveDelivery(EPOCH_CREATE, { secret: 'another-secret' });
    expectError(await post(harness, wrong.body, wrong.headers), 401, 'invalid_signature');
    const tampered = thryveDelivery({ ...EPOCH_CREATE, endUserId: 'someone-else' });
    expectError(await post(harness, tampered.body, delivery.headers), 401, 'invalid_signature');
    expect(harness.events).toHaveLength(0);
  });

  it('answers 415 to a non-JSON Content-Type and to an unknown Content-Encoding', async () => {
    const harness = await start(framework);
    const delivery = thryveDelivery(EPOCH_CREATE);
    expectError(await post(harness, delivery.body, { ...delivery.headers, 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    expectError(await post(harness, delivery.body, { ...delivery.headers, 'content-encoding': 'compress' }), 415, 'unsupported_content_encoding');
  });

  it('answers an empty and an unparsable Content-Type as every framework does: accepted, and 415 from wearhook, logged', async () => {
    const harness = await start(framework);
    const delivery = thryveDelivery(EPOCH_CREATE);
    // Empty is taken as absent (Thryve's Content-Type is not part of what it signs).
    expect((await post(harness, delivery.body, { ...delivery.headers, 'content-type': '' })).status).toBe(204);
    const unparsable = thryveDelivery({ ...EPOCH_CREATE, endUserId: 'unparsable-content-type' });
    expectError(await post(harness, unparsable.body, { ...unparsable.headers, 'content-type': 'json' }), 415, 'unsupported_media_type');
    // The refusal reached onError (and so the log), not only the framework.
    expect(harness.errors.map((e) => e.error)).toContainEqual(expect.objectContaining({ code: 'unsupported_media_type' }));
    expect(harness.events).toHaveLength(1);
  });

  it('answers 400 to a corrupt zstd stream, to bad JSON and to JSON without an envelope', async () => {
    const harness = await start(framework);
    const corrupt = Buffer.from(thryveDelivery(EPOCH_CREATE).body);
    corrupt.fill(0xff, 8, 20);
    // Signed after corruption, so the request gets past authentication to the decoder.
    const signedCorrupt = signedThryveBytes(corrupt, 'zstd');
    expectError(await post(harness, signedCorrupt.body, signedCorrupt.headers), 400, 'malformed_encoding');
    const truncated = signedThryveBytes(thryveDelivery(EPOCH_CREATE).body.subarray(0, 30), 'zstd');
    expectError(await post(harness, truncated.body, truncated.headers), 400, 'malformed_encoding');

    const badJson = signedThryveBytes(Buffer.from('{"type": "event.data.epoch.create", '));
    expectError(await post(harness, badJson.body, badJson.headers), 400, 'invalid_json');
    const noEnvelope = signedThryveBytes(Buffer.from('[1, 2, 3]'));
    expectError(await post(harness, noEnvelope.body, noEnvelope.headers), 400, 'invalid_envelope');
    expect(harness.events).toHaveLength(0);
  });

  it('answers 413 to a body over the wire limit and to a zstd bomb over the decoded limit', async () => {
    const harness = await start(framework, { limits: { maxWireBytes: 4096, maxDecodedBytes: 64 * 1024 } });
    const big = thryveDelivery({ ...EPOCH_CREATE, padding: 'x'.repeat(20_000) }, { compress: false });
    expectError(await post(harness, big.body, big.headers), 413, 'body_too_large');
    const bomb = signedThryveBytes(zstdCli(Buffer.alloc(8 * 1024 * 1024)), 'zstd');
    expect(bomb.body.length).toBeLessThan(4096);
    expectError(await post(harness, bomb.body, bomb.headers), 413, 'decoded_body_too_large');
  });

  it('acknowledges unknown types and schema failures and surfaces them; strict mode answers 422', async () => {
    const lenient = await start(framework);
    const unknown = thryveDelivery({ ...EPOCH_CREATE, type: 'event.data.measurement.create' });
    expect((await post(lenient, unknown.body, unknown.headers)).status).toBe(204);
    const invalid = thryveDelivery({ ...EPOCH_CREATE, data: { dataSourceId: 'five', epochData: 'none' } });
    expect((await post(lenient, invalid.body, invalid.headers)).status).toBe(204);
    expect(lenient.events.map((e) => e.type)).toEqual(['unknown', 'invalid']);

    const strict = await start(framework, { strict: true });
    expectError(await post(strict, unknown.body, unknown.headers), 422, 'unknown_event_type');
    expectError(await post(strict, invalid.body, invalid.headers), 422, 'invalid_payload');
    expect(strict.events).toHaveLength(0);
  });

  it('answers 500 handler_failed when a handler fails and no store can retry it, and reports the error', async () => {
    const failure = new Error('database down');
    const harness = await start(framework, {}, 'none', (receiver) => {
      receiver.on('event.data.epoch.create', async () => {
        throw failure;
      });
    });
    const delivery = thryveDelivery(EPOCH_CREATE);
    const response = await post(harness, delivery.body, delivery.headers);
    expectError(response, 500, 'handler_failed');
    expect(response.text).not.toContain('database down');
    expect(harness.errors.some((e) => e.phase === 'handler' && e.error === failure)).toBe(true);
  });

  it('answers 500 handler_timeout when the handlers outlast handlerTimeoutMs and no store can finish them, and reports it', async () => {
    const harness = await start(framework, { handlerTimeoutMs: 100 }, 'none', (receiver) => {
      receiver.on('event.data.epoch.create', () => new Promise<void>(() => {}));
    });
    const delivery = thryveDelivery(EPOCH_CREATE);
    const started = performance.now();
    const response = await post(harness, delivery.body, delivery.headers);
    expectError(response, 500, 'handler_timeout');
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(harness.errors.some((e) => e.phase === 'handler' && e.error instanceof Error && e.error.name === 'HandlerTimeoutError')).toBe(true);
  });

  it.skipIf(!framework.parsers.includes('json-raw'))('with a global JSON parser that keeps the raw body: uses it', async () => {
    const plain = thryveDelivery(EPOCH_CREATE, { compress: false });
    const withRaw = await start(framework, {}, 'json-raw');
    expect((await post(withRaw, plain.body, plain.headers)).status).toBe(204);
    expect(withRaw.events).toHaveLength(1);
  });

  it.skipIf(!framework.parsers.includes('json'))('with a JSON parser that keeps nothing: fails at once saying how to mount', async () => {
    const plain = thryveDelivery(EPOCH_CREATE, { compress: false });
    const withoutRaw = await start(framework, {}, 'json');
    const response = await post(withoutRaw, plain.body, plain.headers);
    expectError(response, 500, 'body_already_consumed');
    expect(JSON.parse(response.text).error.message).toMatch(/mount|raw/i);
  });

  it('answers 408 to a body that trickles in slower than the timeout', async () => {
    const harness = await start(framework, { limits: { bodyTimeoutMs: 200 } });
    const delivery = thryveDelivery(EPOCH_CREATE);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(urlOf(harness.server), {
        method: 'POST',
        headers: { ...delivery.headers, 'content-length': String(delivery.body.length) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write(delivery.body.subarray(0, 5)); // and never the rest
    });
    expect(status).toBe(408);
  });
});
