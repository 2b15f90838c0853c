import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { signStandardWebhooks } from '../../src/auth/sign.js';
import { standardWebhooks } from '../../src/auth/standard-webhooks.js';
import { expectAccepted, expectRefused, opensslHmac } from './helpers.js';

// The official vector every Standard Webhooks library tests against.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const KEY = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TS = 1614265330;
const BODY = '{"test": 2432232314}';
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const NOW = TS * 1000;

const verifier = standardWebhooks({ secrets: SECRET });

function svixHeaders(signature: string, overrides: Record<string, string | string[] | undefined> = {}) {
  return { 'svix-id': ID, 'svix-timestamp': String(TS), 'svix-signature': signature, ...overrides };
}

function unbrandedHeaders(signature: string) {
  return { 'webhook-id': ID, 'webhook-timestamp': String(TS), 'webhook-signature': signature };
}

/** Computed here with node:crypto, independently of sign.ts and of the verifier. */
function sign(key: Buffer, id: string, ts: number | string, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64')}`;
}

describe('standardWebhooks: the official vector', () => {
  it('accepts it under svix-* and webhook-* headers', () => {
    expectAccepted(verifier, svixHeaders(SIGNATURE), BODY, NOW);
    expectAccepted(verifier, unbrandedHeaders(SIGNATURE), BODY, NOW);
  });

  it('accepts the secret without its whsec_ prefix', () => {
    expectAccepted(standardWebhooks({ secrets: SECRET.slice('whsec_'.length) }), svixHeaders(SIGNATURE), BODY, NOW);
  });

  it('is what node:crypto computes with the base64-decoded key', () => {
    expect(sign(KEY, ID, TS, BODY)).toBe(SIGNATURE);
  });

  it('is what openssl computes with the base64-decoded key', () => {
    const mac = opensslHmac('sha256', KEY, `${ID}.${TS}.${BODY}`);
    expect(`v1,${mac.toString('base64')}`).toBe(SIGNATURE);
  });

  it.each([
    ['a made-up signature', 'v1,dawfeoifkpqwoekfpqoekf', 'malformed_signature'],
    ['an empty v1', 'v1,', 'malformed_signature'],
    ['a truncated signature', SIGNATURE.slice(0, -5), 'malformed_signature'],
    ['a signature with one byte changed', 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=', 'invalid_signature'],
    ['only other versions', `v2,${SIGNATURE.slice(3)} v1a,${SIGNATURE.slice(3)}`, 'malformed_signature'],
    ['no version', SIGNATURE.slice(3), 'malformed_signature'],
  ] as const)('refuses %s', (_name, signature, code) => {
    expectRefused(verifier, svixHeaders(signature), BODY, NOW, code, [SECRET, SIGNATURE.slice(3)]);
  });

  it.each([
    ['svix-id', 'missing_signature'],
    ['svix-timestamp', 'invalid_timestamp'],
    ['svix-signature', 'missing_signature'],
  ] as const)('refuses a delivery without %s', (header, code) => {
    expectRefused(verifier, svixHeaders(SIGNATURE, { [header]: undefined }), BODY, NOW, code);
  });

  it('refuses the timestamp `hello`', () => {
    expectRefused(verifier, svixHeaders(SIGNATURE, { 'svix-timestamp': 'hello' }), BODY, NOW, 'invalid_timestamp');
  });

  it('accepts exactly ±300 s and refuses ±301 s', () => {
    expectAccepted(verifier, svixHeaders(SIGNATURE), BODY, (TS + 300) * 1000);
    expectAccepted(verifier, svixHeaders(SIGNATURE), BODY, (TS - 300) * 1000);
    expectRefused(verifier, svixHeaders(SIGNATURE), BODY, (TS + 301) * 1000, 'timestamp_out_of_tolerance');
    expectRefused(verifier, svixHeaders(SIGNATURE), BODY, (TS - 301) * 1000, 'timestamp_out_of_tolerance');
  });

  it('refuses a body, id or timestamp other than the signed one', () => {
    expectRefused(verifier, svixHeaders(SIGNATURE), '{"test": 2432232315}', NOW, 'invalid_signature');
    expectRefused(verifier, svixHeaders(SIGNATURE, { 'svix-id': 'msg_other' }), BODY, NOW, 'invalid_signature');
    expectRefused(verifier, svixHeaders(SIGNATURE, { 'svix-timestamp': String(TS + 1) }), BODY, NOW, 'invalid_signature');
  });

  it('refuses a timestamp with leading zeros, since it is signed as sent', () => {
    expectRefused(verifier, svixHeaders(SIGNATURE, { 'svix-timestamp': `0${TS}` }), BODY, NOW, 'invalid_signature');
  });

  it('refuses when the secret text is used as the key (the classic mix-up)', () => {
    const textKeyed = `v1,${createHmac('sha256', SECRET).update(`${ID}.${TS}.${BODY}`).digest('base64')}`;
    expectRefused(verifier, svixHeaders(textKeyed), BODY, NOW, 'invalid_signature');
  });
});

describe('standardWebhooks: the signature list', () => {
  const wrong = sign(Buffer.from('another key'), ID, TS, BODY);

  it.each([
    ['a wrong v1 before the right one', `${wrong} ${SIGNATURE}`],
    ['other versions around it', `v1a,AAAA ${SIGNATURE} v2,xyz`],
    ['several spaces and tabs between entries', `${wrong}  \t ${SIGNATURE}`],
    ['garbage entries', `v1,!!! nonsense , ${SIGNATURE}`],
    ['the signature without padding', SIGNATURE.replace(/=$/, '')],
    ['the signature in the URL-safe alphabet', SIGNATURE.replace(/\+/g, '-').replace(/\//g, '_')],
  ])('accepts %s', (_name, signature) => {
    expectAccepted(verifier, svixHeaders(signature), BODY, NOW);
  });

  it('takes each svix-* header before its webhook-* counterpart', () => {
    const headers = { ...unbrandedHeaders('v1,bm90IGl0'), 'svix-signature': SIGNATURE };
    expectAccepted(verifier, headers, BODY, NOW);
  });

  it('refuses differing repeats of a header, and names the header', () => {
    const error = expectRefused(verifier, svixHeaders(SIGNATURE, { 'svix-id': [ID, 'msg_other'] }), BODY, NOW, 'malformed_signature');
    expect(error.message).toContain('svix-id');
  });
});

describe('standardWebhooks: secrets', () => {
  it('accepts any of several secrets', () => {
    const other = Buffer.from('0123456789abcdef0123456789abcdef');
    const both = standardWebhooks({ secrets: [`whsec_${other.toString('base64')}`, SECRET] });
    expectAccepted(both, svixHeaders(SIGNATURE), BODY, NOW);
    expectAccepted(both, svixHeaders(sign(other, ID, TS, BODY)), BODY, NOW);
    expectRefused(both, svixHeaders(sign(Buffer.from('third'), ID, TS, BODY)), BODY, NOW, 'invalid_signature');
  });

  it('refuses secrets that are not base64 at construction, without echoing them', () => {
    expect(() => standardWebhooks({ secrets: 'whsec_' })).toThrow(/not a Standard Webhooks secret/);
    for (const secret of ['whsec_not base64!', 'whsec_aGVsbG8gd', 'whsec_AAAA=A==', 'sk_live_MfKQ9r8-GKYqrTwjUPD8ILPZIo2LaLaSw']) {
      expect(() => standardWebhooks({ secrets: secret })).toThrow(/not a Standard Webhooks secret/);
      try {
        standardWebhooks({ secrets: secret });
      } catch (error) {
        expect((error as Error).message).not.toContain(secret.replace(/^whsec_/, ''));
      }
    }
    expect(() => standardWebhooks({ secrets: [] })).toThrow(/empty list/);
  });

  it('refuses a bad tolerance at construction', () => {
    expect(() => standardWebhooks({ secrets: SECRET, toleranceSeconds: -5 })).toThrow(/toleranceSeconds/);
    expectAccepted(standardWebhooks({ secrets: SECRET, toleranceSeconds: null }), svixHeaders(SIGNATURE), BODY, Date.UTC(2100, 0, 1));
  });
});

describe('standardWebhooks against the standardwebhooks and svix libraries', () => {
  const body = JSON.stringify({ event_type: 'daily.data.sleep.created', data: { id: 'é✓' }, user_id: 'u1' });

  it('accepts what standardwebhooks signs, and standardwebhooks accepts what we sign', () => {
    const ts = Math.floor(Date.now() / 1000);
    const theirs = new StandardWebhook(SECRET).sign('msg_1', new Date(ts * 1000), body);
    expectAccepted(verifier, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': theirs }, body, ts * 1000);

    const ours = signStandardWebhooks(SECRET, 'msg_2', ts, body);
    expect(ours).toBe(sign(KEY, 'msg_2', ts, body));
    expect(() =>
      new StandardWebhook(SECRET).verify(body, { 'webhook-id': 'msg_2', 'webhook-timestamp': String(ts), 'webhook-signature': ours }),
    ).not.toThrow();
  });

  it('accepts what svix signs, and svix accepts what we sign', () => {
    const ts = Math.floor(Date.now() / 1000);
    const theirs = new SvixWebhook(SECRET).sign('msg_3', new Date(ts * 1000), body);
    expectAccepted(verifier, { 'svix-id': 'msg_3', 'svix-timestamp': String(ts), 'svix-signature': theirs }, body, ts * 1000);

    const ours = signStandardWebhooks(SECRET, 'msg_4', ts, body);
    expect(() => new SvixWebhook(SECRET).verify(body, { 'svix-id': 'msg_4', 'svix-timestamp': String(ts), 'svix-signature': ours })).not.toThrow();
    expect(() => new SvixWebhook(SECRET).verify(`${body} `, { 'svix-id': 'msg_4', 'svix-timestamp': String(ts), 'svix-signature': ours })).toThrow();
  });
});
