import { describe, expect, it } from 'vitest';
import { basicAuth } from '../../src/auth/basic-auth.js';
import type { WebhookErrorCode } from '../../src/errors/webhook-error.js';
import type { IncomingHeaders } from '../../src/http/webhook-request.js';
import { expectAccepted, expectRefused } from './helpers.js';

const NOW = 0;
const basic = (credentials: string) => ({ authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` });

describe('basicAuth', () => {
  const auth = basicAuth({ username: 'thryve', password: 's3cret:with:colons' });

  it('runs on headers alone', () => {
    expect(auth.stage).toBe('headers');
  });

  it('accepts the configured pair, splitting at the first colon', () => {
    expectAccepted(auth, basic('thryve:s3cret:with:colons'), '', NOW);
  });

  it('accepts the scheme in any case and extra spaces', () => {
    const token = Buffer.from('thryve:s3cret:with:colons').toString('base64');
    expectAccepted(auth, { authorization: `bAsIc   ${token}` }, '', NOW);
    expectAccepted(auth, { authorization: `Basic ${token.replace(/=+$/, '')}` }, '', NOW);
  });

  it('compares UTF-8 credentials byte for byte', () => {
    const unicode = basicAuth({ username: 'jürgen', password: 'pässwörd✓' });
    expectAccepted(unicode, basic('jürgen:pässwörd✓'), '', NOW);
    expectRefused(unicode, { authorization: `Basic ${Buffer.from('jürgen:pässwörd✓', 'latin1').toString('base64')}` }, '', NOW, 'unauthorized');
  });

  it.each<[string, IncomingHeaders, WebhookErrorCode]>([
    ['no header', {}, 'missing_signature'],
    ['an empty header', { authorization: '' }, 'missing_signature'],
    ['a Bearer token', { authorization: 'Bearer abc' }, 'unauthorized'],
    ['no token', { authorization: 'Basic' }, 'unauthorized'],
    ['a token that is not base64', { authorization: 'Basic ***' }, 'unauthorized'],
    ['no colon', basic('thryve'), 'unauthorized'],
    ['the wrong password', basic('thryve:s3cret'), 'unauthorized'],
    ['the wrong username', basic('Thryve:s3cret:with:colons'), 'unauthorized'],
    ['the password as username', basic('s3cret:with:colons:thryve'), 'unauthorized'],
    ['empty parts', basic(':'), 'unauthorized'],
    ['two tokens', { authorization: `${basic('thryve:s3cret:with:colons').authorization} x` }, 'unauthorized'],
    ['differing repeats', { authorization: [basic('thryve:s3cret:with:colons').authorization, 'Basic eDp5'] }, 'unauthorized'],
  ])('refuses %s', (_name, headers, code) => {
    expectRefused(auth, headers, '', NOW, code, ['s3cret']);
  });

  it('accepts any of several pairs, but not their parts mixed', () => {
    const both = basicAuth([
      { username: 'a', password: 'one' },
      { username: 'b', password: 'two' },
    ]);
    expectAccepted(both, basic('a:one'), '', NOW);
    expectAccepted(both, basic('b:two'), '', NOW);
    expectRefused(both, basic('a:two'), '', NOW, 'unauthorized');
  });

  it.each([
    ['an empty list', []],
    ['an empty username', { username: '', password: 'x' }],
    ['a username with a colon', { username: 'a:b', password: 'x' }],
    ['an empty password', { username: 'a', password: '' }],
    ['an undefined password', { username: 'a', password: undefined }],
    ['a missing entry', [{ username: 'a', password: 'x' }, null]],
  ])('refuses %s at construction', (_name, credentials) => {
    expect(() => basicAuth(credentials as never)).toThrow(TypeError);
  });
});
