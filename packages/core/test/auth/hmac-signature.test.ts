import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HMAC_TOLERANCE_SECONDS, hmacSignature } from '../../src/auth/hmac-signature.js';
import { signHmac } from '../../src/auth/sign.js';
import type { WebhookErrorCode } from '../../src/errors/webhook-error.js';
import type { IncomingHeaders } from '../../src/http/webhook-request.js';
import { expectAccepted, expectRefused, opensslHmac } from './helpers.js';

const SECRET = 'thryve-hmac-secret';
const BODY = Buffer.from('{"endUserId":"u1","type":"event.data.epoch.create","data":{"dataSourceId":1,"epochData":[]}}');
const NOW = Date.UTC(2024, 3, 29, 12, 0, 0);

/** Computed here with node:crypto, independently of sign.ts and of the verifier. */
function mac(data: Buffer | string, options: { secret?: string; algorithm?: string } = {}): Buffer {
  return createHmac(options.algorithm ?? 'sha256', options.secret ?? SECRET).update(data).digest();
}

describe('hmacSignature: the documented default (Thryve)', () => {
  const thryve = hmacSignature({ secrets: SECRET });

  it('accepts lowercase hex HMAC-SHA256 of the body in x-hmac-signature', () => {
    expect(thryve.stage).toBe('wire');
    expectAccepted(thryve, { 'x-hmac-signature': mac(BODY).toString('hex') }, BODY, NOW);
  });

  it('signs the compressed bytes as received', () => {
    const wire = gzipSync(BODY);
    expectAccepted(thryve, { 'x-hmac-signature': mac(wire).toString('hex') }, wire, NOW);
    expectRefused(thryve, { 'x-hmac-signature': mac(BODY).toString('hex') }, wire, NOW, 'invalid_signature');
  });

  it('appends x-hmac-timestamp, exactly as sent, when present', () => {
    const timestamp = '2024-04-29T12:00:00.000Z';
    const signature = mac(Buffer.concat([BODY, Buffer.from(timestamp)])).toString('hex');
    expectAccepted(thryve, { 'x-hmac-signature': signature, 'x-hmac-timestamp': timestamp }, BODY, NOW);
    // Without the header the signed bytes differ; with another value too.
    expectRefused(thryve, { 'x-hmac-signature': signature }, BODY, NOW, 'invalid_signature');
    expectRefused(thryve, { 'x-hmac-signature': signature, 'x-hmac-timestamp': '1714392000' }, BODY, NOW, 'invalid_signature');
  });

  it('accepts uppercase hex and surrounding whitespace', () => {
    expectAccepted(thryve, { 'x-hmac-signature': ` ${mac(BODY).toString('hex').toUpperCase()} ` }, BODY, NOW);
  });

  it('agrees with `openssl dgst -sha256 -mac HMAC` over body + timestamp', () => {
    const timestamp = '1714392000123';
    const expected = opensslHmac('sha256', Buffer.from(SECRET), Buffer.concat([BODY, Buffer.from(timestamp)])).toString('hex');
    expectAccepted(thryve, { 'x-hmac-signature': expected, 'x-hmac-timestamp': timestamp }, BODY, NOW);
  });

  it.each<[string, IncomingHeaders, WebhookErrorCode]>([
    ['no header', {}, 'missing_signature'],
    ['an empty header', { 'x-hmac-signature': '' }, 'missing_signature'],
    ['not hex', { 'x-hmac-signature': 'z'.repeat(64) }, 'malformed_signature'],
    ['truncated', { 'x-hmac-signature': mac(BODY).toString('hex').slice(0, 62) }, 'malformed_signature'],
    ['base64 where hex is expected', { 'x-hmac-signature': mac(BODY).toString('base64') }, 'malformed_signature'],
    ['a sha256= prefix that is not configured', { 'x-hmac-signature': `sha256=${mac(BODY).toString('hex')}` }, 'malformed_signature'],
    ['differing repeats', { 'x-hmac-signature': [mac(BODY).toString('hex'), 'ab'] }, 'malformed_signature'],
    ['the secret itself', { 'x-hmac-signature': SECRET }, 'malformed_signature'],
    ['another secret', { 'x-hmac-signature': mac(BODY, { secret: 'other' }).toString('hex') }, 'invalid_signature'],
  ])('refuses %s', (_name, headers, code) => {
    expectRefused(thryve, headers, BODY, NOW, code, [SECRET, mac(BODY).toString('hex')]);
  });

  it('describes itself without the secret', () => {
    expect(thryve.description).toContain('x-hmac-signature');
    expect(thryve.description).not.toContain(SECRET);
  });
});

describe('hmacSignature: options', () => {
  it('takes another header name, in any case', () => {
    const auth = hmacSignature({ secrets: SECRET, header: 'X-Signature', timestampHeader: false });
    expectAccepted(auth, { 'x-signature': mac(BODY).toString('hex') }, BODY, NOW);
    expectRefused(auth, { 'x-hmac-signature': mac(BODY).toString('hex') }, BODY, NOW, 'missing_signature');
  });

  it('takes other algorithms and checks the length against them', () => {
    const sha512 = hmacSignature({ secrets: SECRET, algorithm: 'sha512' });
    expectAccepted(sha512, { 'x-hmac-signature': mac(BODY, { algorithm: 'sha512' }).toString('hex') }, BODY, NOW);
    const error = expectRefused(sha512, { 'x-hmac-signature': mac(BODY).toString('hex') }, BODY, NOW, 'malformed_signature');
    expect(error.message).toMatch(/64-byte HMAC-SHA512/);
    const sha1 = hmacSignature({ secrets: SECRET, algorithm: 'sha1' });
    expectAccepted(sha1, { 'x-hmac-signature': mac(BODY, { algorithm: 'sha1' }).toString('hex') }, BODY, NOW);
  });

  it('takes base64, padded or not, standard or URL-safe', () => {
    const auth = hmacSignature({ secrets: SECRET, encoding: 'base64' });
    const b64 = mac(BODY).toString('base64');
    expectAccepted(auth, { 'x-hmac-signature': b64 }, BODY, NOW);
    expectAccepted(auth, { 'x-hmac-signature': b64.replace(/=+$/, '') }, BODY, NOW);
    expectAccepted(auth, { 'x-hmac-signature': mac(BODY).toString('base64url') }, BODY, NOW);
    expectRefused(auth, { 'x-hmac-signature': mac(BODY).toString('hex') }, BODY, NOW, 'malformed_signature');
    expectRefused(auth, { 'x-hmac-signature': `${b64.slice(0, 20)}*${b64.slice(21)}` }, BODY, NOW, 'malformed_signature');
  });

  it('takes a prefix, in any case, and also accepts the bare signature', () => {
    const auth = hmacSignature({ secrets: SECRET, prefix: 'sha256=' });
    const hex = mac(BODY).toString('hex');
    expectAccepted(auth, { 'x-hmac-signature': `sha256=${hex}` }, BODY, NOW);
    expectAccepted(auth, { 'x-hmac-signature': `SHA256=${hex}` }, BODY, NOW);
    expectAccepted(auth, { 'x-hmac-signature': hex }, BODY, NOW);
    expectRefused(auth, { 'x-hmac-signature': `sha1=${hex}` }, BODY, NOW, 'malformed_signature');
  });

  it("signedBytes: 'decoded' runs at the decoded stage", () => {
    expect(hmacSignature({ secrets: SECRET, signedBytes: 'decoded' }).stage).toBe('decoded');
  });

  it('accepts any of several secrets, each tried once', () => {
    const auth = hmacSignature({ secrets: ['old', SECRET, 'old'] });
    expectAccepted(auth, { 'x-hmac-signature': mac(BODY).toString('hex') }, BODY, NOW);
    expectAccepted(auth, { 'x-hmac-signature': mac(BODY, { secret: 'old' }).toString('hex') }, BODY, NOW);
    expectRefused(auth, { 'x-hmac-signature': mac(BODY, { secret: 'new' }).toString('hex') }, BODY, NOW, 'invalid_signature');
  });

  it('timestampHeader: false ignores a timestamp header', () => {
    const auth = hmacSignature({ secrets: SECRET, timestampHeader: false });
    expectAccepted(auth, { 'x-hmac-signature': mac(BODY).toString('hex'), 'x-hmac-timestamp': '1714392000' }, BODY, NOW);
  });

  it('requireTimestamp refuses a delivery without one', () => {
    const auth = hmacSignature({ secrets: SECRET, requireTimestamp: true });
    expectRefused(auth, { 'x-hmac-signature': mac(BODY).toString('hex') }, BODY, NOW, 'invalid_timestamp');
    const ts = '1714392000';
    expectAccepted(auth, { 'x-hmac-signature': mac(Buffer.concat([BODY, Buffer.from(ts)])).toString('hex'), 'x-hmac-timestamp': ts }, BODY, NOW);
  });
});

describe('hmacSignature: toleranceSeconds', () => {
  const auth = hmacSignature({ secrets: SECRET, toleranceSeconds: 300 });
  const headersFor = (timestamp: string) => ({
    'x-hmac-signature': mac(Buffer.concat([BODY, Buffer.from(timestamp)])).toString('hex'),
    'x-hmac-timestamp': timestamp,
  });
  const nowSeconds = NOW / 1000;

  it.each([
    ['unix seconds', String(nowSeconds - 300)],
    ['unix milliseconds', String(NOW + 300_000)],
    ['ISO 8601 with Z', '2024-04-29T11:55:00Z'],
    ['ISO 8601 with an offset and microseconds', '2024-04-29T14:04:59.999999+02:00'],
    ['ISO 8601 without an offset (read as UTC)', '2024-04-29T12:05:00'],
  ])('accepts %s within 300 s', (_name, timestamp) => {
    expectAccepted(auth, headersFor(timestamp), BODY, NOW);
  });

  it.each([
    ['unix seconds 301 s old', String(nowSeconds - 301)],
    ['unix milliseconds 301 s ahead', String(NOW + 301_000)],
    ['ISO 8601 an hour off', '2024-04-29T12:00:00+01:00'],
  ])('refuses %s', (_name, timestamp) => {
    expectRefused(auth, headersFor(timestamp), BODY, NOW, 'timestamp_out_of_tolerance');
  });

  it('refuses a missing or unparsable timestamp', () => {
    expectRefused(auth, { 'x-hmac-signature': mac(BODY).toString('hex') }, BODY, NOW, 'invalid_timestamp');
    expectRefused(auth, headersFor('yesterday'), BODY, NOW, 'invalid_timestamp');
    expectRefused(auth, headersFor('2024-13-01T00:00:00Z'), BODY, NOW, 'invalid_timestamp');
  });

  it('defaults to a 24 h window when the timestamp header is present (issue 10, item 6)', () => {
    const byDefault = hmacSignature({ secrets: SECRET });
    expectAccepted(byDefault, headersFor(String(nowSeconds - DEFAULT_HMAC_TOLERANCE_SECONDS)), BODY, NOW);
    expectAccepted(byDefault, headersFor(String(nowSeconds + DEFAULT_HMAC_TOLERANCE_SECONDS)), BODY, NOW);
    // A capture replayed after the 7-day retention has forgotten its key is refused.
    expectRefused(byDefault, headersFor(String(nowSeconds - 8 * 86_400)), BODY, NOW, 'timestamp_out_of_tolerance');
    expectRefused(byDefault, headersFor(String(nowSeconds - DEFAULT_HMAC_TOLERANCE_SECONDS - 1)), BODY, NOW, 'timestamp_out_of_tolerance');
    expectRefused(byDefault, headersFor('not a time at all'), BODY, NOW, 'invalid_timestamp');
    // Without the header nothing changes: the timestamp stays optional by default.
    expectAccepted(byDefault, { 'x-hmac-signature': mac(BODY).toString('hex') }, BODY, NOW);
  });

  it('toleranceSeconds: null is the explicit opt-out', () => {
    const lax = hmacSignature({ secrets: SECRET, toleranceSeconds: null });
    expectAccepted(lax, headersFor('1000000000'), BODY, NOW);
    expectAccepted(lax, headersFor('not a time at all'), BODY, NOW);
  });
});

describe('hmacSignature: configuration errors at construction', () => {
  it.each([
    ['no secret', { secrets: [] }, /empty list/],
    ['an empty secret', { secrets: '' }, /is empty/],
    ['an unknown algorithm', { secrets: SECRET, algorithm: 'sha257' }, /crypto\.getHashes/],
    ['an unknown encoding', { secrets: SECRET, encoding: 'hexadecimal' }, /encoding/],
    ['an invalid header name', { secrets: SECRET, header: 'x signature' }, /header name/],
    ['signedBytes other than wire or decoded', { secrets: SECRET, signedBytes: 'raw' }, /signedBytes/],
    ['a tolerance without a timestamp header', { secrets: SECRET, timestampHeader: false, toleranceSeconds: 60 }, /timestampHeader/],
    ['requireTimestamp without a timestamp header', { secrets: SECRET, timestampHeader: false, requireTimestamp: true }, /timestampHeader/],
    ['a negative tolerance', { secrets: SECRET, toleranceSeconds: -1 }, /toleranceSeconds/],
  ])('refuses %s', (_name, options, message) => {
    expect(() => hmacSignature(options as never)).toThrow(message);
  });
});

describe('signHmac', () => {
  it('produces what the verifier accepts, with every option', () => {
    const timestamp = '1714392000';
    const options = { algorithm: 'sha384', encoding: 'base64', prefix: 'sha384=' } as const;
    const header = signHmac(SECRET, BODY, { ...options, timestamp });
    expect(header).toBe(`sha384=${mac(Buffer.concat([BODY, Buffer.from(timestamp)]), { algorithm: 'sha384' }).toString('base64')}`);
    const auth = hmacSignature({ secrets: SECRET, ...options });
    expectAccepted(auth, { 'x-hmac-signature': header, 'x-hmac-timestamp': timestamp }, BODY, NOW);
  });
});
