import type { Server } from 'node:http';
import { createThryveReceiver, type ThryveEventType } from '@wearhook/core';
import { THRYVE_EVENT_TYPES } from '@wearhook/core/providers/thryve';
import { thryveSamples } from '@wearhook/core/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORKS, close, urlOf } from './support/servers.js';
import { sendRaw } from './support/send-raw.js';
import { THRYVE_SECRET, thryveDelivery } from './support/thryve-delivery.js';

// Notifications may arrive uncompressed; data pushes always come zstd-compressed.
const compressed = (type: ThryveEventType) => type.startsWith('event.data.');

describe.each(FRAMEWORKS)('every Thryve event type in $name', (framework) => {
  let server: Server;
  const received: { type: string; deliveryKey: string }[] = [];

  beforeAll(async () => {
    const receiver = createThryveReceiver({ secret: THRYVE_SECRET });
    receiver.onAny((event) => void received.push(event));
    receiver.onInvalid((event) => void received.push({ type: `invalid:${event.type}`, deliveryKey: event.deliveryKey }));
    server = await framework.serve(receiver as never);
  });
  afterAll(() => close(server));

  it.each(THRYVE_EVENT_TYPES)('%s gets 204 and one typed event', async (type) => {
    const before = received.length;
    const delivery = thryveDelivery(thryveSamples[type](), { compress: compressed(type) });
    const response = await sendRaw(request(urlOf(server)).post(''), delivery.body, delivery.headers);
    expect(response.status).toBe(204);
    expect(received.slice(before).map((e) => e.type)).toEqual([type]);
  });
});

describe.each(FRAMEWORKS)('Thryve web authentication in $name', (framework) => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map(close)));

  async function serve(options: Parameters<typeof createThryveReceiver>[0]): Promise<string> {
    const server = await framework.serve(createThryveReceiver(options) as never);
    servers.push(server);
    return urlOf(server);
  }

  it('HTTP Basic: right credentials 204, wrong or missing 401', async () => {
    const url = await serve({ basicAuth: { username: 'thryve', password: 'p4ss:word' } });
    const body = JSON.stringify(thryveSamples['notification.source.connect']());
    const ok = await request(url).post('').auth('thryve', 'p4ss:word').type('json').send(body);
    expect(ok.status).toBe(204);
    const wrong = await request(url).post('').auth('thryve', 'p4ss:wore').type('json').send(body);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: 'unauthorized' } });
    expect(wrong.text).not.toContain('p4ss');
    expect((await request(url).post('').type('json').send(body)).status).toBe(401);
  });

  it('custom header together with the HMAC: both must pass', async () => {
    const url = await serve({ secret: THRYVE_SECRET, headerAuth: { header: 'x-api-key', value: 'k-123' } });
    const delivery = thryveDelivery(thryveSamples['event.data.daily.update']());
    const both = await sendRaw(request(url).post(''), delivery.body, { ...delivery.headers, 'x-api-key': 'k-123' });
    expect(both.status).toBe(204);
    const hmacOnly = await sendRaw(request(url).post(''), delivery.body, delivery.headers);
    expect(hmacOnly.status).toBe(401);
    const keyOnly = await sendRaw(request(url).post(''), delivery.body, { ...delivery.headers, 'x-hmac-signature': '00'.repeat(32), 'x-api-key': 'k-123' });
    expect(keyOnly.status).toBe(401);
  });

  it('refuses to start with no authentication unless told explicitly', () => {
    expect(() => createThryveReceiver({})).toThrow(/allowUnauthenticated/);
    expect(() => createThryveReceiver({ allowUnauthenticated: true })).not.toThrow();
  });
});
