import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signHmac, signStandardWebhooks, signTerra } from '../../src/auth/sign.js';
import { opensslHmac, opensslHmacTextKey } from './helpers.js';

// The signers feed the testing kit; they are checked here against independent computations.
describe('signers', () => {
  it('signTerra writes t=<seconds>,v1=<lowercase hex>', () => {
    const header = signTerra('secret', Buffer.from('{"a":1}'), 1700000000);
    const v1 = createHmac('sha256', 'secret').update('1700000000.{"a":1}').digest('hex');
    expect(header).toBe(`t=1700000000,v1=${v1}`);
  });

  it('signTerra agrees with openssl', () => {
    expect(signTerra('s€cret', 'body', 1700000000)).toBe(`t=1700000000,v1=${opensslHmacTextKey('s€cret', '1700000000.body')}`);
  });

  it('signStandardWebhooks agrees with openssl over the decoded key', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcdef');
    const expected = opensslHmac('sha256', key, 'msg_1.1700000000.{"a":1}').toString('base64');
    expect(signStandardWebhooks(`whsec_${key.toString('base64')}`, 'msg_1', 1700000000, '{"a":1}')).toBe(`v1,${expected}`);
  });

  it('signHmac defaults to lowercase hex HMAC-SHA256 of the body', () => {
    expect(signHmac('k', 'body')).toBe(createHmac('sha256', 'k').update('body').digest('hex'));
  });

  it('refuses timestamps that are not whole unix seconds, and bad secrets', () => {
    expect(() => signTerra('s', 'b', 1700000000.5)).toThrow(/whole unix seconds/);
    expect(() => signTerra('s', 'b', Date.now())).not.toThrow();
    expect(() => signStandardWebhooks('whsec_!!', 'id', 1700000000, 'b')).toThrow(/not a Standard Webhooks secret/);
    expect(() => signStandardWebhooks('whsec_AAAA', 'id', -1, 'b')).toThrow(/whole unix seconds/);
  });
});
