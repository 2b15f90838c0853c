import { describe, expect, it } from 'vitest';
import { checkTolerance, normalizeHeaderName } from '../../src/auth/config-checks.js';
import { SecretSet, anyDigestMatches, digestSecret, digestsEqual } from '../../src/auth/constant-time.js';
import { decodeBase64, decodeBase64Any, decodeHex } from '../../src/auth/encoding.js';
import { readHeader } from '../../src/auth/headers.js';
import { normalizeSecrets } from '../../src/auth/secrets.js';
import { assertWithinTolerance, parseFlexibleTimestamp, parseUnixSeconds } from '../../src/auth/timestamp.js';
import { WebhookError } from '../../src/errors/webhook-error.js';

describe('constant-time', () => {
  it('digestsEqual compares bytes, unequal lengths included', () => {
    expect(digestsEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(digestsEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(digestsEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
    expect(digestsEqual(Buffer.alloc(0), Buffer.alloc(0))).toBe(true);
  });

  it('digestSecret is 32 bytes whatever the input, and equal only for equal inputs', () => {
    expect(digestSecret('')).toHaveLength(32);
    expect(digestSecret('x'.repeat(10_000))).toHaveLength(32);
    expect(digestSecret('abc').equals(digestSecret(Buffer.from('abc')))).toBe(true);
    expect(digestSecret('abc').equals(digestSecret('abc '))).toBe(false);
  });

  it('SecretSet answers membership, and anyDigestMatches checks every entry', () => {
    const set = new SecretSet(['one', 'two']);
    expect(set.has('one')).toBe(true);
    expect(set.has('two')).toBe(true);
    expect(set.has('three')).toBe(false);
    expect(set.has('on')).toBe(false);
    expect(anyDigestMatches([digestSecret('a'), digestSecret('b')], digestSecret('b'))).toBe(true);
    expect(anyDigestMatches([], digestSecret('b'))).toBe(false);
  });
});

describe('normalizeSecrets', () => {
  it('turns one secret or several into a deduplicated list', () => {
    expect(normalizeSecrets('a', 'f')).toEqual(['a']);
    expect(normalizeSecrets(['a', 'b', 'a'], 'f')).toEqual(['a', 'b']);
  });

  it.each([
    [[], /f: `secrets` is an empty list/],
    ['', /f: `secrets` is empty/],
    ['  \n', /is empty/],
    [['a', undefined], /f: `secrets\[1\]` must be a string, got undefined/],
    [undefined, /must be a string, got undefined/],
    [null, /got null/],
    [42, /got number/],
  ])('refuses %j', (secrets, message) => {
    expect(() => normalizeSecrets(secrets as never, 'f')).toThrow(message);
  });
});

describe('config checks', () => {
  it('checkTolerance accepts null and finite non-negative numbers only', () => {
    expect(checkTolerance(null, 'f')).toBeNull();
    expect(checkTolerance(0, 'f')).toBe(0);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '300', undefined]) {
      expect(() => checkTolerance(bad, 'f')).toThrow(/toleranceSeconds/);
    }
  });

  it('normalizeHeaderName lower-cases and refuses non-tokens', () => {
    expect(normalizeHeaderName('X-HMAC-Signature', 'f', 'header')).toBe('x-hmac-signature');
    for (const bad of ['', 'a b', 'a:b', 'ä', 42]) expect(() => normalizeHeaderName(bad, 'f', 'header')).toThrow(/header name/);
  });
});

describe('encoding', () => {
  const bytes = Buffer.from([0xfb, 0xff, 0x00, 0x10, 0x7e]);

  it('decodeHex wants exactly the length, either case', () => {
    expect(decodeHex('fbff00107e', 5)).toEqual(bytes);
    expect(decodeHex('FBFF00107E', 5)).toEqual(bytes);
    expect(decodeHex('fbff00107', 5)).toBeUndefined();
    expect(decodeHex('fbff00107e00', 5)).toBeUndefined();
    expect(decodeHex('fbff00107g', 5)).toBeUndefined();
  });

  it('decodeBase64 wants exactly the length, padded or not, either alphabet', () => {
    expect(decodeBase64('+/8AEH4=', 5)).toEqual(bytes);
    expect(decodeBase64('+/8AEH4', 5)).toEqual(bytes);
    expect(decodeBase64('-_8AEH4', 5)).toEqual(bytes);
    expect(decodeBase64('+/8AEH4==', 5)).toBeUndefined();
    expect(decodeBase64('+/8A EH4', 5)).toBeUndefined();
    expect(decodeBase64('+/8AEH', 5)).toBeUndefined();
    expect(decodeBase64('', 0)).toEqual(Buffer.alloc(0));
  });

  it('decodeBase64Any takes the standard alphabet only', () => {
    expect(decodeBase64Any('aGk=')).toEqual(Buffer.from('hi'));
    expect(decodeBase64Any('aGk')).toEqual(Buffer.from('hi'));
    expect(decodeBase64Any('aGk-')).toBeUndefined();
    expect(decodeBase64Any('aGkxa')).toBeUndefined();
    expect(decodeBase64Any('a=b=')).toBeUndefined();
  });
});

describe('timestamps', () => {
  it('parseUnixSeconds takes digits only', () => {
    expect(parseUnixSeconds('1614265330')).toBe(1614265330);
    for (const bad of ['', 'hello', '-1', '1.5', '1e9', ' 1', '0x10', '1'.repeat(16)]) expect(parseUnixSeconds(bad)).toBeUndefined();
  });

  it.each([
    ['1714392000', 1714392000_000],
    ['1714392000.5', 1714392000_500],
    ['1714392000123', 1714392000123],
    ['2024-04-29T12:00:00Z', 1714392000_000],
    ['2024-04-29t12:00:00z', 1714392000_000],
    ['2024-04-29 12:00:00Z', 1714392000_000],
    ['2024-04-29T12:00Z', 1714392000_000],
    ['2024-04-29T12:00:00.123456+00:00', 1714392000_123],
    ['2024-04-29T14:00:00,5+02:00', 1714392000_500],
    ['2024-04-29T14:00:00+0200', 1714392000_000],
    ['2024-04-29T14:00:00+02', 1714392000_000],
    ['2024-04-29T09:30:00-02:30', 1714392000_000],
    ['2024-04-29T12:00:00', 1714392000_000],
  ])('parseFlexibleTimestamp(%j)', (text, expected) => {
    expect(parseFlexibleTimestamp(text)).toBe(expected);
  });

  it.each(['', 'now', '2024-04-29', '2024-04-29T25:00:00Z', '2024-02-30T00:00:00Z', '1714392000Z', '-1714392000', '12:00:00'])(
    'parseFlexibleTimestamp refuses %j',
    (text) => {
      expect(parseFlexibleTimestamp(text)).toBeUndefined();
    },
  );

  it('assertWithinTolerance is inclusive both ways and says which way', () => {
    const now = 1_000_000_000;
    expect(() => assertWithinTolerance(now - 300_000, now, 300, 'h')).not.toThrow();
    expect(() => assertWithinTolerance(now + 300_000, now, 300, 'h')).not.toThrow();
    expect(() => assertWithinTolerance(now - 301_000, now, 300, 'h')).toThrow(/301 s older/);
    expect(() => assertWithinTolerance(now + 301_000, now, 300, 'h')).toThrow(/301 s newer/);
    expect(() => assertWithinTolerance(now + 1_000, now, 0, 'h')).toThrow(WebhookError);
  });
});

describe('readHeader', () => {
  it('trims, treats empty as absent, and merges identical repeats', () => {
    expect(readHeader({ a: ' x ' }, 'a', 'malformed_signature')).toBe('x');
    expect(readHeader({ a: '' }, 'a', 'malformed_signature')).toBeUndefined();
    expect(readHeader({}, 'a', 'malformed_signature')).toBeUndefined();
    expect(readHeader({ a: ['x', ' x', ''] }, 'a', 'malformed_signature')).toBe('x');
    expect(readHeader({ a: [] }, 'a', 'malformed_signature')).toBeUndefined();
  });

  it('takes identical repeats that Node or Headers joined with ", " as one value, and keeps other values whole', () => {
    expect(readHeader({ a: 'v1,abc=, v1,abc=' }, 'a', 'malformed_signature')).toBe('v1,abc=');
    expect(readHeader({ a: '1700000000, 1700000000, 1700000000' }, 'a', 'invalid_timestamp')).toBe('1700000000');
    expect(readHeader({ a: 't=1,v1=aa, t=2,v1=bb' }, 'a', 'malformed_signature')).toBe('t=1,v1=aa, t=2,v1=bb');
    expect(readHeader({ a: 'v1,a v1,b' }, 'a', 'malformed_signature')).toBe('v1,a v1,b');
  });

  it('refuses differing repeats and non-strings with the given code', () => {
    expect(() => readHeader({ a: ['x', 'y'] }, 'a', 'invalid_timestamp')).toThrow(expect.objectContaining({ code: 'invalid_timestamp' }));
    expect(() => readHeader({ a: 42 } as never, 'a', 'unauthorized')).toThrow(expect.objectContaining({ code: 'unauthorized' }));
    expect(() => readHeader({ a: [null] } as never, 'a', 'unauthorized')).toThrow(expect.objectContaining({ code: 'unauthorized' }));
  });
});
