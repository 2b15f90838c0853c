import { createHmac } from 'node:crypto';
import { verifyTerraWebhookSignature } from 'terra-api';
import { describe, expect, it } from 'vitest';
import { signTerra } from '../../src/auth/sign.js';
import { terraSignature } from '../../src/auth/terra-signature.js';
import type { WebhookErrorCode } from '../../src/errors/webhook-error.js';
import type { IncomingHeaders } from '../../src/http/webhook-request.js';
import { expectAccepted, expectRefused, opensslHmacTextKey } from './helpers.js';

// Terra's SDK unit test (terra-client-js, 2022): a `deauth` event, byte for byte as in the test.
const SECRET = '66142e0c2960f788b19830807d4aa25cfd27a610ec65fd36';
const BODY =
  '{"user": {"last_webhook_update": null, "provider": "FITBIT", "user_id": "d81ea08d-ad4d-44bd-8394-ee4b68a3f96f", "scopes": null}, "type": "deauth", "status": "success", "message": "User has deauthenticated", "version": "2022-03-16"}';
const T = 1669742999;
const HEADER = `t=${T},v1=c885ce58891b69ab5b6c8fc7536544f4f515f2e22ec811152849295b3d995c93`;
const NOW = T * 1000;
// The same test file's negative case: a header that this secret did not produce for this body.
const OTHER_BODY =
  '{"status": "success", "user": {"scopes": null, "last_webhook_update": null, "provider": null, "user_id": "26fd4019-5e74-4087-9433-c728938f194d"}, "type": "deauth", "message": "User has deauthenticated", "version": "2022-03-16"}';
const OTHER_HEADER = 't=1669743290,v1=27107029cb01871b164fc70b2065aee1fb4f6008b76c77888825b512fbdc7de1';

const terra = terraSignature({ secrets: SECRET });

/** Computed here with node:crypto, independently of sign.ts and of the verifier. */
function hmacHex(secret: string, t: number | string, body: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${t}.${body}`).digest('hex');
}

describe('terraSignature: Terra SDK test vector', () => {
  it('accepts the SDK vector with the clock fixed at its timestamp', () => {
    expectAccepted(terra, { 'terra-signature': HEADER }, BODY, NOW);
  });

  it('accepts it under X-Terra-Signature too', () => {
    expectAccepted(terra, { 'x-terra-signature': HEADER }, BODY, NOW);
  });

  it('refuses the SDK negative vector', () => {
    expectRefused(terra, { 'terra-signature': OTHER_HEADER }, OTHER_BODY, 1669743290_000, 'invalid_signature');
  });

  it('refuses the vector when one byte of the body changes', () => {
    expectRefused(terra, { 'terra-signature': HEADER }, BODY.replace('FITBIT', 'FITBIS'), NOW, 'invalid_signature');
  });

  it('refuses the vector when t changes (t is signed)', () => {
    expectRefused(terra, { 'terra-signature': HEADER.replace(`t=${T}`, `t=${T + 1}`) }, BODY, NOW, 'invalid_signature');
  });

  it('refuses the vector with a secret used as base64 instead of text', () => {
    const wrong = terraSignature({ secrets: Buffer.from(SECRET, 'hex').toString('base64') });
    expectRefused(wrong, { 'terra-signature': HEADER }, BODY, NOW, 'invalid_signature');
  });

  it('matches `openssl dgst -sha256 -hmac <secret>` over `${t}.${body}`', () => {
    expect(opensslHmacTextKey(SECRET, `${T}.${BODY}`)).toBe(HEADER.split('v1=')[1]);
  });
});

describe('terraSignature: header parsing', () => {
  const v1 = hmacHex(SECRET, T, BODY);

  it.each([
    ['spaces around parts', ` t = ${T} , v1 = ${v1} `],
    ['v0 and unknown schemes are ignored', `t=${T},v0=deadbeef,v1=${v1},v2=zzz,x`],
    ['a second, wrong v1 before the right one', `t=${T},v1=${'0'.repeat(64)},v1=${v1}`],
    ['uppercase hex', `t=${T},v1=${v1.toUpperCase()}`],
    ['t after v1', `v1=${v1},t=${T}`],
    ['the same t twice', `t=${T},v1=${v1},t=${T}`],
  ])('accepts %s', (_name, header) => {
    expectAccepted(terra, { 'terra-signature': header }, BODY, NOW);
  });

  it('prefers terra-signature over x-terra-signature', () => {
    expectAccepted(terra, { 'terra-signature': HEADER, 'x-terra-signature': 'garbage' }, BODY, NOW);
    expectRefused(terra, { 'terra-signature': 'garbage', 'x-terra-signature': HEADER }, BODY, NOW, 'invalid_timestamp');
  });

  it('accepts an identical repeated header and refuses differing repeats', () => {
    expectAccepted(terra, { 'terra-signature': [HEADER, HEADER] }, BODY, NOW);
    expectRefused(terra, { 'terra-signature': [HEADER, OTHER_HEADER] }, BODY, NOW, 'malformed_signature');
  });

  it.each<[string, IncomingHeaders, WebhookErrorCode]>([
    ['no header', {}, 'missing_signature'],
    ['an empty header', { 'terra-signature': '  ' }, 'missing_signature'],
    ['an empty array', { 'terra-signature': [] }, 'missing_signature'],
    ['no t', { 'terra-signature': `v1=${v1}` }, 'invalid_timestamp'],
    ['t not a number', { 'terra-signature': `t=hello,v1=${v1}` }, 'invalid_timestamp'],
    ['t negative', { 'terra-signature': `t=-${T},v1=${v1}` }, 'invalid_timestamp'],
    ['t fractional', { 'terra-signature': `t=${T}.5,v1=${v1}` }, 'invalid_timestamp'],
    ['t of 16 digits', { 'terra-signature': `t=1${'0'.repeat(15)},v1=${v1}` }, 'invalid_timestamp'],
    ['two different t', { 'terra-signature': `t=${T},t=${T + 1},v1=${v1}` }, 'invalid_timestamp'],
    ['no v1', { 'terra-signature': `t=${T},v0=${v1}` }, 'malformed_signature'],
    ['v1 empty', { 'terra-signature': `t=${T},v1=` }, 'malformed_signature'],
    ['v1 truncated', { 'terra-signature': `t=${T},v1=${v1.slice(0, 63)}` }, 'malformed_signature'],
    ['v1 not hex', { 'terra-signature': `t=${T},v1=${'g'.repeat(64)}` }, 'malformed_signature'],
    ['v1 with one extra digit', { 'terra-signature': `t=${T},v1=${v1}0` }, 'malformed_signature'],
    ['v1 of 48 hex digits', { 'terra-signature': `t=${T},v1=${SECRET}` }, 'malformed_signature'],
  ])('refuses %s', (_name, headers, code) => {
    expectRefused(terra, headers, BODY, NOW, code, [SECRET, v1]);
  });
});

describe('terraSignature: tolerance', () => {
  const v1 = hmacHex(SECRET, T, BODY);
  const headers = { 'terra-signature': `t=${T},v1=${v1}` };

  it('accepts exactly 300 s either way, and any sub-second part of the clock', () => {
    expectAccepted(terra, headers, BODY, (T + 300) * 1000);
    expectAccepted(terra, headers, BODY, (T + 300) * 1000 + 999);
    expectAccepted(terra, headers, BODY, (T - 300) * 1000);
  });

  it('refuses 301 s old and 301 s in the future', () => {
    const old = expectRefused(terra, headers, BODY, (T + 301) * 1000, 'timestamp_out_of_tolerance');
    expect(old.message).toContain('301 s older');
    const future = expectRefused(terra, headers, BODY, (T - 301) * 1000, 'timestamp_out_of_tolerance');
    expect(future.message).toContain('301 s newer');
  });

  it('takes toleranceSeconds, and null disables the check', () => {
    const strict = terraSignature({ secrets: SECRET, toleranceSeconds: 10 });
    expectAccepted(strict, headers, BODY, (T + 10) * 1000);
    expectRefused(strict, headers, BODY, (T + 11) * 1000, 'timestamp_out_of_tolerance');
    const none = terraSignature({ secrets: SECRET, toleranceSeconds: null });
    expectAccepted(none, headers, BODY, Date.UTC(2100, 0, 1));
  });

  it('refuses a stale timestamp from the headers alone, before the body is read or the signature checked (issue 10, item 3)', () => {
    const other = terraSignature({ secrets: 'another secret' });
    expectRefused(other, headers, BODY, (T + 10_000) * 1000, 'timestamp_out_of_tolerance');
    expect(() => other.checkHeaders?.({ headers, now: (T + 10_000) * 1000 })).toThrow(expect.objectContaining({ code: 'timestamp_out_of_tolerance' }));
    expect(() => other.checkHeaders?.({ headers, now: T * 1000 })).not.toThrow();
  });

  it('verify reuses checkHeaders only for the same headers and clock: a later verify checks the window again', () => {
    const auth = terraSignature({ secrets: SECRET });
    const sameHeaders = { 'terra-signature': HEADER };
    auth.checkHeaders?.({ headers: sameHeaders, now: NOW });
    expectAccepted(auth, sameHeaders, BODY, NOW);
    auth.checkHeaders?.({ headers: sameHeaders, now: NOW });
    expectRefused(auth, sameHeaders, BODY, NOW + 10_000_000, 'timestamp_out_of_tolerance');
    // The cached parse never vouches for the body: a tampered body still fails.
    auth.checkHeaders?.({ headers: sameHeaders, now: NOW });
    expectRefused(auth, sameHeaders, Buffer.from('{"tampered":true}'), NOW, 'invalid_signature');
  });
});

describe('terraSignature: several secrets', () => {
  const both = terraSignature({ secrets: ['old secret', SECRET] });

  it('accepts a signature made with any of them', () => {
    expectAccepted(both, { 'terra-signature': HEADER }, BODY, NOW);
    expectAccepted(both, { 'terra-signature': `t=${T},v1=${hmacHex('old secret', T, BODY)}` }, BODY, NOW);
  });

  it('refuses one made with neither, and never names a secret', () => {
    const error = expectRefused(both, { 'terra-signature': `t=${T},v1=${hmacHex('third', T, BODY)}` }, BODY, NOW, 'invalid_signature', [
      SECRET,
      'old secret',
    ]);
    expect(error.message).toMatch(/Terra dashboard/);
  });

  it('refuses empty configurations at construction', () => {
    expect(() => terraSignature({ secrets: [] })).toThrow(/empty list/);
    expect(() => terraSignature({ secrets: '' })).toThrow(/is empty/);
    expect(() => terraSignature({ secrets: ['ok', ''] })).toThrow(/secrets\[1\]/);
    expect(() => terraSignature({ secrets: SECRET, toleranceSeconds: -1 })).toThrow(/toleranceSeconds/);
    expect(() => terraSignature({ secrets: SECRET, toleranceSeconds: Number.NaN })).toThrow(/toleranceSeconds/);
  });
});

describe('terraSignature: wire bytes', () => {
  it('verifies bytes that are not valid UTF-8 as they are', () => {
    const body = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xff, 0x00, 0xc3]);
    const v1 = createHmac('sha256', SECRET).update(Buffer.concat([Buffer.from(`${T}.`), body])).digest('hex');
    expect(terra.stage).toBe('wire');
    expectAccepted(terra, { 'terra-signature': `t=${T},v1=${v1}` }, body, NOW);
  });
});

describe('terraSignature against terra-api (the official SDK)', () => {
  it('the SDK accepts what sign.ts produces, and we accept it too', async () => {
    const t = Math.floor(Date.now() / 1000);
    const body = '{"type":"healthcheck","status":"success","creation_timestamp":"2024-04-29T00:00:00.000000+00:00"}';
    const header = signTerra(SECRET, body, t);
    expect(header).toBe(`t=${t},v1=${hmacHex(SECRET, t, body)}`);
    await expect(verifyTerraWebhookSignature(body, header, SECRET)).resolves.toBe(true);
    expectAccepted(terra, { 'terra-signature': header }, body, t * 1000);
  });

  it('both refuse a header signed with another secret', async () => {
    const t = Math.floor(Date.now() / 1000);
    const header = `t=${t},v1=${hmacHex('not the secret', t, BODY)}`;
    await expect(verifyTerraWebhookSignature(BODY, header, SECRET)).rejects.toThrow();
    expectRefused(terra, { 'terra-signature': header }, BODY, t * 1000, 'invalid_signature');
  });
});
