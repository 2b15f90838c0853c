import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createTerraReceiver, createVitalReceiver, type ErrorEvent } from '@wearhook/core';
import { TERRA_EVENT_TYPES } from '@wearhook/core/providers/terra';
import { VITAL_EVENT_TYPES } from '@wearhook/core/providers/vital';
import { terraSamples, vitalSamples } from '@wearhook/core/testing';
import request from 'supertest';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { svixSignatureHeader, terraSignatureHeader } from './support/independent-signatures.js';
import { sendRaw } from './support/send-raw.js';
import { FRAMEWORKS, close, urlOf } from './support/servers.js';

const TERRA_SECRET = 'terra-integration-secret';
const VITAL_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const now = () => Math.floor(Date.now() / 1000);
// Beyond the 300 s tolerance with room to spare: on a loaded machine the request may reach the server's
// clock a few seconds after the test read its own, which would bring "301 s ahead" back inside.
// The exact ±300/301 s boundary is tested with a fixed clock in packages/core/test/auth.
const STALE = 330;

interface Seen {
  type: string;
  kind: 'event' | 'unknown' | 'invalid';
}

describe.each(FRAMEWORKS)('Terra and Vital over HTTP in $name', (framework) => {
  let terraServer: Server;
  let vitalServer: Server;
  const seen: Seen[] = [];
  const errors: ErrorEvent[] = [];

  beforeAll(async () => {
    const terra = createTerraReceiver({ secret: TERRA_SECRET });
    const vital = createVitalReceiver({ secret: VITAL_SECRET });
    for (const receiver of [terra, vital] as const) {
      receiver.onAny((event) => void seen.push({ type: (event as { type: string }).type, kind: 'event' }));
      receiver.onUnknown((event) => void seen.push({ type: event.type, kind: 'unknown' }));
      receiver.onInvalid((event) => void seen.push({ type: event.type, kind: 'invalid' }));
      receiver.onError((event) => void errors.push(event));
    }
    terraServer = await framework.serve(terra as never);
    vitalServer = await framework.serve(vital as never);
  });
  afterAll(async () => {
    await close(terraServer);
    await close(vitalServer);
  });

  async function postTerra(body: Buffer, signature: string) {
    return sendRaw(request(urlOf(terraServer)).post(''), body, {
      'content-type': 'application/json',
      'terra-signature': signature,
      'x-terra-trace-id': randomUUID(),
    });
  }

  async function postVital(body: Buffer, headers: Record<string, string>) {
    return sendRaw(request(urlOf(vitalServer)).post(''), body, { 'content-type': 'application/json', ...headers });
  }

  it.each(TERRA_EVENT_TYPES)('Terra %s signed as Terra documents gets 204 and one typed event', async (type) => {
    const before = seen.length;
    const body = Buffer.from(JSON.stringify(terraSamples[type]()));
    const response = await postTerra(body, terraSignatureHeader(TERRA_SECRET, body, now()));
    expect(response.status).toBe(204);
    expect(seen.slice(before)).toEqual([{ type, kind: 'event' }]);
  });

  it.each(VITAL_EVENT_TYPES)('Vital %s signed by hand gets 204 and one typed event', async (type) => {
    const before = seen.length;
    const body = Buffer.from(JSON.stringify(vitalSamples[type]()));
    const id = `msg_${randomUUID()}`;
    const t = now();
    const response = await postVital(body, { 'svix-id': id, 'svix-timestamp': String(t), 'svix-signature': svixSignatureHeader(VITAL_SECRET, id, t, body) });
    expect(response.status).toBe(204);
    expect(seen.slice(before)).toEqual([{ type, kind: 'event' }]);
  });

  it('accepts a Vital delivery signed by the svix package, with webhook-* headers too', async () => {
    const body = JSON.stringify(vitalSamples['daily.data.sleep.created']());
    const id = `msg_${randomUUID()}`;
    const date = new Date();
    const signature = new Webhook(VITAL_SECRET).sign(id, date, body);
    const t = String(Math.floor(date.getTime() / 1000));
    expect((await postVital(Buffer.from(body), { 'svix-id': id, 'svix-timestamp': t, 'svix-signature': signature })).status).toBe(204);
    const id2 = `msg_${randomUUID()}`;
    const signature2 = new Webhook(VITAL_SECRET).sign(id2, date, body);
    expect((await postVital(Buffer.from(body), { 'webhook-id': id2, 'webhook-timestamp': t, 'webhook-signature': signature2 })).status).toBe(204);
  });

  it('refuses tampered, stale and future-dated Terra deliveries with 401', async () => {
    const body = Buffer.from(JSON.stringify(terraSamples.sleep()));
    const before = seen.length;
    const tampered = Buffer.from(body.toString().replace('FITBIT', 'GARMIN'));
    expect(tampered.equals(body)).toBe(false);
    const cases = [
      [tampered, terraSignatureHeader(TERRA_SECRET, body, now()), 'invalid_signature'],
      [body, terraSignatureHeader(TERRA_SECRET, body, now() - STALE), 'timestamp_out_of_tolerance'],
      [body, terraSignatureHeader(TERRA_SECRET, body, now() + STALE), 'timestamp_out_of_tolerance'],
      [body, terraSignatureHeader('another-secret', body, now()), 'invalid_signature'],
    ] as const;
    for (const [sent, signature, code] of cases) {
      const response = await postTerra(sent, signature);
      expect(response.status).toBe(401);
      expect(JSON.parse(response.text)).toMatchObject({ error: { code } });
    }
    expect(seen.length).toBe(before);
  });

  it('refuses tampered, stale, future-dated and garbled Vital deliveries with 401', async () => {
    const body = Buffer.from(JSON.stringify(vitalSamples['daily.data.sleep.created']()));
    const id = `msg_${randomUUID()}`;
    const signed = (t: number, sent = body) => ({ 'svix-id': id, 'svix-timestamp': String(t), 'svix-signature': svixSignatureHeader(VITAL_SECRET, id, t, sent) });
    const before = seen.length;
    const tampered = Buffer.from(body.toString().replace('"', ' "'));
    expect((await postVital(tampered, signed(now()))).status).toBe(401);
    expect((await postVital(body, signed(now() - STALE))).status).toBe(401);
    expect((await postVital(body, signed(now() + STALE))).status).toBe(401);
    expect((await postVital(body, { ...signed(now()), 'svix-signature': 'v1,' })).status).toBe(401);
    expect((await postVital(body, { ...signed(now()), 'svix-timestamp': 'hello' })).status).toBe(401);
    expect((await postVital(body, { 'svix-id': id, 'svix-timestamp': String(now()) })).status).toBe(401);
    expect(seen.length).toBe(before);
  });

  it('delivers health checks as typed events, and acknowledges and surfaces unknown types and gate failures', async () => {
    const before = seen.length;
    const healthcheck = Buffer.from(JSON.stringify({ type: 'healthcheck', status: 'success', creation_timestamp: new Date().toISOString() }));
    expect((await postTerra(healthcheck, terraSignatureHeader(TERRA_SECRET, healthcheck, now()))).status).toBe(204);
    const unknown = Buffer.from(JSON.stringify({ type: 'a_type_terra_adds_later' }));
    expect((await postTerra(unknown, terraSignatureHeader(TERRA_SECRET, unknown, now()))).status).toBe(204);
    const invalid = Buffer.from(JSON.stringify({ ...terraSamples.sleep(), user: 'not-an-object' }));
    expect((await postTerra(invalid, terraSignatureHeader(TERRA_SECRET, invalid, now()))).status).toBe(204);
    expect(seen.slice(before)).toEqual([
      { type: 'healthcheck', kind: 'event' },
      { type: 'a_type_terra_adds_later', kind: 'unknown' },
      { type: 'sleep', kind: 'invalid' },
    ]);
    expect(errors.filter((e) => e.phase !== 'request')).toEqual([]);
  });
});
