import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import { WebhookError, type WebhookErrorCode } from '../../src/errors/webhook-error.js';
import type { Authenticator } from '../../src/auth/authenticator.js';
import type { IncomingHeaders } from '../../src/http/webhook-request.js';

/** Runs `verify` and returns what it threw; fails the test when it did not throw. */
export function refusal(authenticator: Authenticator, headers: IncomingHeaders, body: Buffer | string, now: number): WebhookError {
  try {
    authenticator.verify({ headers, body: Buffer.from(body), now });
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookError);
    const webhookError = error as WebhookError;
    expect(webhookError.status).toBe(401);
    return webhookError;
  }
  throw new Error('verify() accepted a delivery it should have refused');
}

/** Asserts that `verify` refuses with `code`, and that the message leaks none of `secrets`. */
export function expectRefused(
  authenticator: Authenticator,
  headers: IncomingHeaders,
  body: Buffer | string,
  now: number,
  code: WebhookErrorCode,
  mustNotMention: readonly string[] = [],
): WebhookError {
  const error = refusal(authenticator, headers, body, now);
  expect(error.code).toBe(code);
  for (const text of mustNotMention) expect(error.message).not.toContain(text);
  return error;
}

/** Asserts that `verify` accepts. */
export function expectAccepted(authenticator: Authenticator, headers: IncomingHeaders, body: Buffer | string, now: number): void {
  expect(() => authenticator.verify({ headers, body: Buffer.from(body), now })).not.toThrow();
}

/** HMAC by the openssl command line: an implementation independent of Node's crypto bindings. */
export function opensslHmac(algorithm: string, key: Buffer, data: Buffer | string): Buffer {
  return execFileSync('openssl', ['dgst', `-${algorithm}`, '-mac', 'HMAC', '-macopt', `hexkey:${key.toString('hex')}`, '-binary'], {
    input: data,
  });
}

/** `openssl dgst -sha256 -hmac <key>`: the key as text, as Terra's docs describe it; returns lowercase hex. */
export function opensslHmacTextKey(key: string, data: Buffer | string): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', key], { input: data }).toString('utf8').trim();
  const hex = out.slice(out.lastIndexOf(' ') + 1);
  expect(hex).toMatch(/^[0-9a-f]{64}$/);
  return hex;
}
