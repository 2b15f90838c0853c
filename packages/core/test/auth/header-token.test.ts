import { describe, expect, it } from 'vitest';
import { headerToken } from '../../src/auth/header-token.js';
import type { WebhookErrorCode } from '../../src/errors/webhook-error.js';
import type { IncomingHeaders } from '../../src/http/webhook-request.js';
import { expectAccepted, expectRefused } from './helpers.js';

const TOKEN = 'tok_3f9a0c1e';

describe('headerToken', () => {
  const auth = headerToken({ header: 'X-Webhook-Token', value: TOKEN });

  it('runs on headers alone and accepts the token under the lower-cased name', () => {
    expect(auth.stage).toBe('headers');
    expectAccepted(auth, { 'x-webhook-token': TOKEN }, '', 0);
    expectAccepted(auth, { 'x-webhook-token': `  ${TOKEN}\t` }, '', 0);
    expectAccepted(auth, { 'x-webhook-token': [TOKEN, TOKEN] }, '', 0);
  });

  it.each<[string, IncomingHeaders, WebhookErrorCode]>([
    ['no header', {}, 'missing_signature'],
    ['an empty header', { 'x-webhook-token': ' ' }, 'missing_signature'],
    ['a prefix of the token', { 'x-webhook-token': TOKEN.slice(0, -1) }, 'unauthorized'],
    ['the token with more after it', { 'x-webhook-token': `${TOKEN}0` }, 'unauthorized'],
    ['another case', { 'x-webhook-token': TOKEN.toUpperCase() }, 'unauthorized'],
    ['differing repeats', { 'x-webhook-token': [TOKEN, 'other'] }, 'unauthorized'],
  ])('refuses %s', (_name, headers, code) => {
    expectRefused(auth, headers, '', 0, code, [TOKEN]);
  });

  it('accepts any of several values', () => {
    const rotating = headerToken({ header: 'authorization', values: ['Bearer old', 'Bearer new'] });
    expectAccepted(rotating, { authorization: 'Bearer new' }, '', 0);
    expectAccepted(rotating, { authorization: 'Bearer old' }, '', 0);
    expectRefused(rotating, { authorization: 'Bearer other' }, '', 0, 'unauthorized');
  });

  it.each([
    ['neither value nor values', { header: 'x-token' }, /either/],
    ['both value and values', { header: 'x-token', value: 'a', values: ['b'] }, /both/],
    ['an empty value', { header: 'x-token', value: '' }, /empty/],
    ['an empty list', { header: 'x-token', values: [] }, /empty list/],
    ['an invalid header name', { header: 'x token', value: 'a' }, /header name/],
  ])('refuses %s at construction', (_name, options, message) => {
    expect(() => headerToken(options as never)).toThrow(message);
  });
});
