import type { Authenticator } from '../auth/authenticator.js';
import { basicAuth, type BasicCredentials } from '../auth/basic-auth.js';
import { headerToken, type HeaderTokenOptions } from '../auth/header-token.js';
import { hmacSignature, type HmacSignatureOptions } from '../auth/hmac-signature.js';
import { isThryveNotificationType } from '../providers/thryve/event-types.js';
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
  /**
   * How long an identical notification (`notification.*`, `legacy.sourceUpdate`) counts as a retry of
   * the first. Thryve sends no delivery id, so a delivery is known by its body, and a notification
   * holds nothing that changes: "data of this day changed" for the same day and types, or a source
   * connected again, is byte for byte the one before. Within the window it is a retry (acknowledged,
   * not dispatched); after it, a new notification. Windows are aligned to multiples of this length, so
   * a retry that crosses a boundary is dispatched twice, as at-least-once delivery allows. Default
   * 10 minutes. `Infinity`: known by the body alone, for as long as the store keeps delivery keys
   * (`retentionMs`, 7 days): repeats within that time are never dispatched. Data pushes are always
   * known by the body alone (the same body is the same data).
   */
  readonly notificationRepeatWindowMs?: number;
}

/** The default `notificationRepeatWindowMs`. */
const THRYVE_NOTIFICATION_REPEAT_WINDOW_MS = 10 * 60 * 1000;

/** A framework-neutral receiver for Thryve's data push and notification webhooks. */
export function createThryveReceiver(options: ThryveWebhookOptions): Receiver<ThryveEventMap> {
  const authenticators: Authenticator[] = [];
  if (options.secret !== undefined) authenticators.push(hmacSignature({ ...options.hmac, secrets: options.secret }));
  if (options.basicAuth !== undefined) authenticators.push(basicAuth(options.basicAuth));
  if (options.headerAuth !== undefined) authenticators.push(headerToken(options.headerAuth));
  const repeatWindowMs = options.notificationRepeatWindowMs ?? THRYVE_NOTIFICATION_REPEAT_WINDOW_MS;
  if (typeof repeatWindowMs !== 'number' || !(repeatWindowMs > 0)) {
    throw new TypeError(`wearhook: notificationRepeatWindowMs must be a positive number of milliseconds (or Infinity), got ${String(repeatWindowMs)}.`);
  }
  return createReceiver(thryveProvider, {
    ...options,
    authenticators,
    repeatWindowMs: (eventType) => (isThryveNotificationType(eventType) ? repeatWindowMs : undefined),
  });
}
