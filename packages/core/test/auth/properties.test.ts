import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Authenticator } from '../../src/auth/authenticator.js';
import { basicAuth } from '../../src/auth/basic-auth.js';
import { headerToken } from '../../src/auth/header-token.js';
import { hmacSignature } from '../../src/auth/hmac-signature.js';
import { standardWebhooks } from '../../src/auth/standard-webhooks.js';
import { terraSignature } from '../../src/auth/terra-signature.js';
import { WebhookError } from '../../src/errors/webhook-error.js';
import type { IncomingHeaders } from '../../src/http/webhook-request.js';

const SECRET = 'property-secret';
const SVIX_SECRET = `whsec_${Buffer.from('property-key-0123456789').toString('base64')}`;
const AUTH_CODES = ['missing_signature', 'malformed_signature', 'invalid_signature', 'invalid_timestamp', 'timestamp_out_of_tolerance', 'unauthorized'];

const authenticators: Record<string, Authenticator> = {
  'hmacSignature (defaults)': hmacSignature({ secrets: SECRET }),
  'hmacSignature (base64, prefix, tolerance)': hmacSignature({
    secrets: [SECRET, 'second'],
    encoding: 'base64',
    prefix: 'sha256=',
    toleranceSeconds: 300,
  }),
  terraSignature: terraSignature({ secrets: SECRET }),
  standardWebhooks: standardWebhooks({ secrets: SVIX_SECRET }),
  basicAuth: basicAuth({ username: 'user', password: SECRET }),
  headerToken: headerToken({ header: 'x-token', value: SECRET }),
};

const HEADER_NAMES = [
  'x-hmac-signature', 'x-hmac-timestamp', 'terra-signature', 'x-terra-signature', 'svix-id', 'svix-timestamp',
  'svix-signature', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'authorization', 'x-token',
];

const hex = fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes).toString('hex'));
const b64 = fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const digits = fc.oneof(fc.nat().map(String), fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String), fc.constant(String(1714392000)));
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom('', ' ', ',', '=', 'v1,', 't=', 'Basic ', 'sha256=', '\u0000', '\uD800', '\u202E', '=='),
);
const huge = fc
  .tuple(fc.oneof(anyText, hex, b64), fc.integer({ min: 1_000, max: 50_000 }))
  .map(([unit, times]) => (unit === '' ? 'x' : unit).repeat(times).slice(0, 300_000));

/** Values shaped like each scheme's header, garbled: the inputs most likely to reach deep code. */
const shaped = fc.oneof(
  fc.array(fc.tuple(fc.constantFrom('t', 'v1', 'v0', ' v1 ', 'T', ''), fc.oneof(hex, digits, anyText)), { maxLength: 6 }).map((parts) =>
    parts.map(([key, value]) => `${key}=${value}`).join(','),
  ),
  fc.array(fc.tuple(fc.constantFrom('v1', 'v1a', 'v2', ''), fc.oneof(b64, anyText)), { maxLength: 6 }).map((parts) =>
    parts.map(([version, value]) => `${version},${value}`).join(' '),
  ),
  fc.tuple(fc.constantFrom('Basic ', 'basic ', 'Bearer ', ''), fc.oneof(b64, anyText)).map(([scheme, value]) => scheme + value),
  fc.tuple(fc.constantFrom('', 'sha256=', 'SHA256='), fc.oneof(hex, b64)).map(([prefix, value]) => prefix + value),
  fc.oneof(digits, fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), anyText),
);
const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(shaped, anyText) },
  { weight: 2, arbitrary: fc.array(fc.oneof(shaped, anyText), { maxLength: 4 }) },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const headers: fc.Arbitrary<IncomingHeaders> = fc.dictionary(
  fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...HEADER_NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }),
  headerValue,
  { maxKeys: 8 },
);
const now = fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), fc.constantFrom(1714392000_000, Number.NaN, Number.POSITIVE_INFINITY));

describe.each(Object.entries(authenticators))('%s on garbled input', (_name, authenticator) => {
  it('only ever throws a 401 WebhookError whose message names no secret', () => {
    fc.assert(
      fc.property(headers, fc.uint8Array({ maxLength: 512 }), now, (headers, body, now) => {
        let thrown: unknown;
        try {
          authenticator.verify({ headers, body: Buffer.from(body), now });
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(WebhookError);
        const error = thrown as WebhookError;
        expect(error.status).toBe(401);
        expect(AUTH_CODES).toContain(error.code);
        expect(error.message).not.toContain(SECRET);
        expect(error.message).not.toContain(SVIX_SECRET.slice('whsec_'.length));
      }),
      { numRuns: 300 },
    );
  });
});

describe('round trips with random secrets, bodies and noise', () => {
  const body = fc.uint8Array({ minLength: 0, maxLength: 2048 }).map((bytes) => Buffer.from(bytes));
  const secret = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((text) => text.trim() !== '');
  const seconds = fc.integer({ min: 1_000_000_000, max: 4_000_000_000 });
  const noiseHex = fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('hex'));

  it('Terra: the right v1 among noise passes; any changed body byte fails', () => {
    fc.assert(
      fc.property(secret, body, seconds, fc.array(noiseHex, { maxLength: 3 }), fc.nat(), (secret, body, t, noise, flip) => {
        const auth = terraSignature({ secrets: secret });
        const v1 = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${t}.`).update(body).digest('hex');
        const header = [...noise.map((n) => `v0=${n}`), `t=${t}`, ...noise.map((n) => ` v1=${n} `), `v1=${v1}`].join(',');
        auth.verify({ headers: { 'terra-signature': header }, body, now: t * 1000 });
        if (body.length === 0) return;
        const changed = Buffer.from(body);
        const index = flip % changed.length;
        changed[index] = (changed[index] ?? 0) ^ 0x01;
        expect(() => auth.verify({ headers: { 'terra-signature': header }, body: changed, now: t * 1000 })).toThrow(
          expect.objectContaining({ code: 'invalid_signature' }),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('Standard Webhooks: any key, id and body; the right v1 among noise passes, a wrong key fails', () => {
    const key = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.from(bytes));
    const id = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }).filter((text) => text.trim() === text && text !== '');
    fc.assert(
      fc.property(key, id, seconds, body, fc.array(noiseHex, { maxLength: 3 }), (key, id, ts, body, noise) => {
        const auth = standardWebhooks({ secrets: `whsec_${key.toString('base64')}` });
        const signature = createHmac('sha256', key).update(`${id}.${ts}.`).update(body).digest('base64');
        const list = [...noise.map((n) => `v1a,${n}`), `v1,${signature}`, ...noise.map((n) => `v1,${n}`)].join(' ');
        const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': list };
        auth.verify({ headers, body, now: ts * 1000 });
        // Flip a bit rather than append a byte: HMAC pads short keys with zeros, so key and key+0x00 are the same key.
        const otherKey = Buffer.from(key);
        otherKey[0] = (otherKey[0] ?? 0) ^ 0x01;
        const other = standardWebhooks({ secrets: otherKey.toString('base64') });
        expect(() => other.verify({ headers, body, now: ts * 1000 })).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
      }),
      { numRuns: 200 },
    );
  });

  it('hmacSignature: any secret, body and timestamp text round-trips in hex and base64', () => {
    const timestamp = fc.option(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }).filter((text) => text.trim() === text), {
      nil: undefined,
    });
    fc.assert(
      fc.property(secret, body, timestamp, fc.constantFrom('hex', 'base64') as fc.Arbitrary<'hex' | 'base64'>, (secret, body, timestamp, encoding) => {
        const auth = hmacSignature({ secrets: secret, encoding, toleranceSeconds: null });
        const hmac = createHmac('sha256', Buffer.from(secret, 'utf8')).update(body);
        if (timestamp !== undefined) hmac.update(timestamp);
        const headers = { 'x-hmac-signature': hmac.digest(encoding), 'x-hmac-timestamp': timestamp };
        auth.verify({ headers, body, now: 0 });
      }),
      { numRuns: 200 },
    );
  });
});
