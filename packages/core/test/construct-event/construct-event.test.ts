import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { constructEvent, constructTerraEvent, constructThryveEvent, constructVitalEvent, WebhookError } from '../../src/index.js';
import { terraTestDelivery, thryveSamples, vitalTestDelivery } from '../../src/testing/index.js';

const THRYVE_SECRET = 'construct-thryve-secret';

/** A Thryve data push as Thryve sends it, made without wearhook: `zstd` tool, HMAC by node:crypto. */
function thryveBytes(payload: unknown, secret = THRYVE_SECRET) {
  const body = execFileSync('zstd', ['-q', '-c'], { input: Buffer.from(JSON.stringify(payload)) });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', secret).update(body).update(timestamp).digest('hex');
  // Mixed-case names, as a queue message or a Lambda event may carry them.
  return { body, headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'zstd', 'X-HMAC-Signature': signature, 'X-HMAC-Timestamp': timestamp } };
}

async function refusal(promise: Promise<unknown>): Promise<WebhookError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookError);
  return error as WebhookError;
}

describe('constructThryveEvent', () => {
  it('verifies the compressed bytes and returns the typed event', async () => {
    const payload = thryveSamples['event.data.epoch.create']();
    const event = await constructThryveEvent({ ...thryveBytes(payload), secret: THRYVE_SECRET });
    expect(event.type).toBe('event.data.epoch.create');
    if (event.type !== 'event.data.epoch.create') throw new Error('narrowing');
    expect(event.points.length).toBe([payload.data].flat().flatMap((source) => source.epochData).length);
    expect(event.points[0]!.start).toBeInstanceOf(Date);
  });

  it('accepts Fetch Headers and a Uint8Array that is not a Buffer', async () => {
    const { body, headers } = thryveBytes(thryveSamples['event.data.epoch.create']());
    const bytes = new Uint8Array(body);
    const event = await constructEvent('thryve', { body: bytes, headers: new Headers(headers), secret: THRYVE_SECRET });
    expect(event.type).toBe('event.data.epoch.create');
  });

  it('throws WebhookError with the contract codes: wrong secret, tampered body, unknown type, bad schema', async () => {
    const good = thryveBytes(thryveSamples['event.data.epoch.create']());
    expect((await refusal(constructThryveEvent({ ...good, secret: 'another' }))).code).toBe('invalid_signature');
    const other = thryveBytes({ ...thryveSamples['event.data.epoch.create'](), endUserId: 'x' });
    expect((await refusal(constructThryveEvent({ body: other.body, headers: good.headers, secret: THRYVE_SECRET }))).code).toBe('invalid_signature');
    const unknown = thryveBytes({ ...thryveSamples['event.data.epoch.create'](), type: 'event.data.nothing.create' });
    const unknownError = await refusal(constructThryveEvent({ ...unknown, secret: THRYVE_SECRET }));
    expect([unknownError.code, unknownError.status]).toEqual(['unknown_event_type', 422]);
    const invalid = thryveBytes({ ...thryveSamples['event.data.epoch.create'](), data: { epochData: 'none' } });
    expect((await refusal(constructThryveEvent({ ...invalid, secret: THRYVE_SECRET }))).code).toBe('invalid_payload');
    const { 'X-HMAC-Signature': _dropped, ...unsigned } = good.headers;
    expect((await refusal(constructThryveEvent({ body: good.body, headers: unsigned, secret: THRYVE_SECRET }))).code).toBe('missing_signature');
  });
});

describe('constructTerraEvent and constructVitalEvent', () => {
  it('return typed events for deliveries signed as the providers sign them, and refuse other secrets', async () => {
    const terra = terraTestDelivery('sleep', { secret: 'terra-secret' });
    expect((await constructTerraEvent({ ...terra, secret: 'terra-secret' })).type).toBe('sleep');
    expect((await refusal(constructTerraEvent({ ...terra, secret: 'other' }))).code).toBe('invalid_signature');

    const secret = `whsec_${Buffer.from('construct-vital-secret-0123456789').toString('base64')}`;
    const vital = vitalTestDelivery('daily.data.sleep.created', { secret });
    const event = await constructEvent('vital', { body: vital.body.toString('utf8'), headers: vital.headers, secret });
    expect(event.type).toBe('daily.data.sleep.created');
    expect(event.deliveryKey).toBe(`vital:${vital.headers['svix-id']}`);
    expect((await refusal(constructVitalEvent({ ...vital, secret: `whsec_${Buffer.from('x'.repeat(24)).toString('base64')}` }))).code).toBe(
      'invalid_signature',
    );
  });

  it('refuses an unknown provider name with a TypeError', () => {
    expect(() => constructEvent('fitbit' as 'thryve', { body: '', headers: {}, secret: 's' })).toThrow(/thryve, terra and vital/);
  });
});
