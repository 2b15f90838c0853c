// The signing side of each scheme, for tests and the testing kit: they produce the headers a provider
// would send. Verification never uses these, so a bug here cannot hide a bug there.
import { createHmac } from 'node:crypto';
import { standardWebhooksKeys } from './standard-webhooks-secret.js';

/** Options of `signHmac`; the defaults match `hmacSignature`'s. */
export interface SignHmacOptions {
  /** Default `'sha256'`. */
  readonly algorithm?: string;
  /** Default `'hex'` (lowercase). */
  readonly encoding?: 'hex' | 'base64';
  /** Written before the signature, e.g. `'sha256='`. Default none. */
  readonly prefix?: string;
  /** The timestamp header's value, appended to the signed bytes, exactly as it will be sent. Default none. */
  readonly timestamp?: string;
}

/** The signature header value `hmacSignature` verifies for `body` (the signed bytes: wire or decoded). */
export function signHmac(secret: string, body: string | Uint8Array, options: SignHmacOptions = {}): string {
  const hmac = createHmac(options.algorithm ?? 'sha256', Buffer.from(secret, 'utf8')).update(body);
  if (options.timestamp !== undefined) hmac.update(options.timestamp, 'utf8');
  return `${options.prefix ?? ''}${hmac.digest(options.encoding ?? 'hex')}`;
}

/** The `terra-signature` header value for `body` signed at `timestampSeconds` (unix seconds). */
export function signTerra(secret: string, body: string | Uint8Array, timestampSeconds: number): string {
  const t = wholeSeconds(timestampSeconds);
  const v1 = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${t}.`).update(body).digest('hex');
  return `t=${t},v1=${v1}`;
}

/**
 * The `svix-signature` / `webhook-signature` header value (`v1,<base64>`) for a message; `secret` is
 * `whsec_<base64>` (prefix optional), as `standardWebhooks` takes it.
 */
export function signStandardWebhooks(secret: string, id: string, timestampSeconds: number, body: string | Uint8Array): string {
  const [key] = standardWebhooksKeys(secret, 'signStandardWebhooks');
  if (key === undefined) throw new TypeError('signStandardWebhooks: no key.');
  const t = wholeSeconds(timestampSeconds);
  return `v1,${createHmac('sha256', key).update(`${id}.${t}.`, 'utf8').update(body).digest('base64')}`;
}

function wholeSeconds(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`The timestamp must be whole unix seconds, got ${value}. Use Math.floor(Date.now() / 1000).`);
  }
  return value;
}
