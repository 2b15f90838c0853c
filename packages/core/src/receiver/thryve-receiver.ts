import type { Authenticator } from '../auth/authenticator.js';
import { primeZstdDecoder } from '../body/zstd-primer.js';
import { basicAuth, type BasicCredentials } from '../auth/basic-auth.js';
import { headerToken, type HeaderTokenOptions } from '../auth/header-token.js';
import { hmacSignature, type HmacSignatureOptions } from '../auth/hmac-signature.js';
import { thryveProvider } from '../providers/thryve/provider.js';
import type { ThryveEventMap } from '../providers/thryve/types.js';
import { createReceiver } from './create-receiver.js';
import type { Receiver } from './receiver.js';
import type { CommonReceiverOptions } from './receiver-options.js';

export interface ThryveWebhookOptions extends CommonReceiverOptions {
  /**
   * The HMAC secret from the Thryve dashboard; several during a rotation (any may match). Turns on
   * HMAC verification with the scheme in `hmac`.
   */
  readonly secret?: string | readonly string[];
  /**
   * How the HMAC is sent and computed. Thryve does not publish its scheme; the default is the one
   * seen in practice: header `X-HMAC-Signature`, lowercase hex HMAC-SHA256 over the body bytes as
   * received (still compressed) followed by the `X-HMAC-Timestamp` value when that header is present.
   */
  readonly hmac?: Omit<HmacSignatureOptions, 'secrets'>;
  /** Thryve's "web authentication" as HTTP Basic: the credentials entered in the dashboard. */
  readonly basicAuth?: BasicCredentials | readonly BasicCredentials[];
  /** Thryve's "web authentication" as a static custom header, e.g. `{ header: 'x-api-key', value }`. */
  readonly headerAuth?: HeaderTokenOptions;
  /** Set to `true` to accept deliveries with no authentication at all (never do this in production). */
  readonly allowUnauthenticated?: boolean;
}

/**
 * A framework-neutral receiver for Thryve's data push and notification webhooks. Building the first one
 * in a process also primes the zstd decoder (about 2 ms, see `primeZstdDecoder`), so the first delivery
 * does not pay for it.
 */
export function createThryveReceiver(options: ThryveWebhookOptions): Receiver<ThryveEventMap> {
  primeZstdDecoder();
  const authenticators: Authenticator[] = [];
  if (options.secret !== undefined) authenticators.push(hmacSignature({ ...options.hmac, secrets: options.secret }));
  if (options.basicAuth !== undefined) authenticators.push(basicAuth(options.basicAuth));
  if (options.headerAuth !== undefined) authenticators.push(headerToken(options.headerAuth));
  return createReceiver(thryveProvider, { ...options, authenticators });
}
