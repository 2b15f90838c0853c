// Issue 10, item 2 (D2 and the review around it): every regex and parser that reads payload or header
// text runs in time linear in its input. Each property feeds one parser long adversarial strings (a
// short unit, repeated, between a prefix and a suffix chosen to make a backtracking engine retry) at
// 10,000 and 100,000 characters and checks that the time grows ~10x, not ~100x.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Authenticator } from '../../packages/core/src/auth/authenticator.js';
import { basicAuth } from '../../packages/core/src/auth/basic-auth.js';
import { decodeBase64, decodeBase64Any, decodeHex } from '../../packages/core/src/auth/encoding.js';
import { headerToken } from '../../packages/core/src/auth/header-token.js';
import { hmacSignature } from '../../packages/core/src/auth/hmac-signature.js';
import { standardWebhooks } from '../../packages/core/src/auth/standard-webhooks.js';
import { terraSignature } from '../../packages/core/src/auth/terra-signature.js';
import { parseFlexibleTimestamp, parseUnixSeconds } from '../../packages/core/src/auth/timestamp.js';
import { parseContentEncoding } from '../../packages/core/src/body/content-encoding.js';
import { checkJsonDepth } from '../../packages/core/src/body/json-depth.js';
import type { IncomingHeaders } from '../../packages/core/src/http/webhook-request.js';
import { isoEpochMs } from '../../packages/core/src/providers/iso-timestamp.js';
import { checkStoredLabel } from '../../packages/core/src/providers/stored-label.js';
import { terraDatePart } from '../../packages/core/src/providers/terra/timestamps.js';
import { numericValueOf } from '../../packages/core/src/providers/thryve/points.js';
import { TIMESTAMP_TYPE_PATTERN } from '../../packages/core/src/providers/thryve/schemas/common.js';
import { THRYVE_ISO_TIMESTAMP_PATTERN, thryveDay, thryveEpochMs } from '../../packages/core/src/providers/thryve/timestamps.js';
import { vitalResourceOf } from '../../packages/core/src/providers/vital/event-types.js';
import { checkContentType } from '../../packages/core/src/receiver/check-content-type.js';
import { describeScaling, looksLinear, scaling } from './support/linear-time.js';

const NOW = Date.UTC(2024, 4, 1);

/** Runs an authenticator's full check on a header value; the body is tiny so only parsing is timed. */
function verifyWith(auth: Authenticator, header: string, extra: Record<string, string> = {}): (value: string) => unknown {
  return (value) => {
    const headers: IncomingHeaders = { ...extra, [header]: value };
    auth.verify({ headers, body: Buffer.from('{}'), now: NOW });
  };
}

const parsers: Record<string, (input: string) => unknown> = {
  'thryve numericValueOf (D2)': numericValueOf,
  'checkJsonDepth (D5)': (value) => checkJsonDepth(Buffer.from(value)),
  'checkStoredLabel (D8)': (value) => checkStoredLabel(value, 'event type'),
  isoEpochMs,
  thryveEpochMs,
  thryveDay: (value) => thryveDay(value, 120),
  terraDatePart,
  vitalResourceOf,
  // The schema patterns, compiled as ajv compiles them (unicode flag).
  'schema pattern: Thryve ISO timestamp': (value) => new RegExp(THRYVE_ISO_TIMESTAMP_PATTERN, 'u').test(value),
  'schema pattern: Thryve timestampType': (value) => new RegExp(TIMESTAMP_TYPE_PATTERN, 'u').test(value),
  parseFlexibleTimestamp,
  parseUnixSeconds,
  parseContentEncoding,
  'checkContentType': (value) => checkContentType({ 'content-type': value }),
  decodeHex: (value) => decodeHex(value, 32),
  decodeBase64: (value) => decodeBase64(value, 32),
  decodeBase64Any,
  'basicAuth (authorization)': verifyWith(basicAuth({ username: 'user', password: 'secret' }), 'authorization'),
  'headerToken': verifyWith(headerToken({ header: 'x-token', value: 'secret' }), 'x-token'),
  'terraSignature (terra-signature)': verifyWith(terraSignature({ secrets: 'secret' }), 'terra-signature'),
  'standardWebhooks (svix-signature)': verifyWith(standardWebhooks({ secrets: 'whsec_c2VjcmV0' }), 'svix-signature', {
    'svix-id': 'msg_1',
    'svix-timestamp': String(NOW / 1000),
  }),
  'standardWebhooks (svix-timestamp)': (value) =>
    standardWebhooks({ secrets: 'whsec_c2VjcmV0' }).verify({
      headers: { 'svix-id': 'msg_1', 'svix-timestamp': value, 'svix-signature': `v1,${'A'.repeat(43)}=` },
      body: Buffer.from('{}'),
      now: NOW,
    }),
  'hmacSignature (x-hmac-signature)': verifyWith(hmacSignature({ secrets: 'secret', prefix: 'sha256=' }), 'x-hmac-signature'),
  'hmacSignature (x-hmac-timestamp)': verifyWith(hmacSignature({ secrets: 'secret', toleranceSeconds: 300 }), 'x-hmac-timestamp', {
    'x-hmac-signature': 'a'.repeat(64),
  }),
};

/** Units that keep a backtracking engine busy: digits, separators, signs, the alphabets of each format. */
const unit = fc.oneof(
  fc.constantFrom('1', '0', '.', '1.', 'e1', ',', ';', ' ', '\t', '=', 'v1,', 't=1,', 'v1=', 'A', 'a', '+', '-', ':', '00:', 'Z', 'T', '/', '[', '{"a":', '"\\\\', '\\"', '[]'),
  fc.string({ unit: fc.constantFrom('0', '1', '9', '.', 'e', 'E', '+', '-', ',', ';', ' ', '=', ':', 'T', 'Z', 'a', 'A', '/', '\t'), minLength: 1, maxLength: 4 }),
);
const prefix = fc.constantFrom('', '1', '+', 'daily.data.', '2024-04-29 10:00:00.', '2024-04-29T10:00:00.', '2024-04-29T10:00:00+', 'Basic ', 't=1,v1=', 'v1,', 'application/json;', 'gzip,');
const suffix = fc.constantFrom('', 'x', ' x', 'e', '.', '!', '\u0000', ',x', '=x');

describe('every payload and header parser runs in linear time (issue 10, item 2)', () => {
  it.each(Object.entries(parsers))('%s', (_name, parse) => {
    fc.assert(
      fc.property(prefix, unit, suffix, (head, repeated, tail) => {
        const timing = scaling(parse, head, repeated, tail);
        expect(looksLinear(timing), `${JSON.stringify([head, repeated, tail])}: ${describeScaling(timing)}`).toBe(true);
      }),
      // Few runs, no shrinking: each run times 100,000-character inputs, and a quadratic parser (D2's
      // regex took 8–12 s at this length) should fail once, not be shrunk at that cost.
      { numRuns: 12, endOnFailure: true },
    );
  });

  it('D2: a Thryve value of 100,000 digits and a letter is refused in linear time', () => {
    const timing = scaling(numericValueOf, '', '1', 'x');
    expect(looksLinear(timing), describeScaling(timing)).toBe(true);
    expect(numericValueOf(`${'1'.repeat(100_000)}x`)).toBeUndefined();
  });
});
