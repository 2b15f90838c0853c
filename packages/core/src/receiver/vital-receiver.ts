import type { Secrets } from '../auth/secrets.js';
import { standardWebhooks } from '../auth/standard-webhooks.js';
import { vitalProvider } from '../providers/vital/provider.js';
import type { VitalEventMap } from '../providers/vital/types.js';
import { createReceiver } from './create-receiver.js';
import type { Receiver } from './receiver.js';
import type { CommonReceiverOptions } from './receiver-options.js';

export interface VitalWebhookOptions extends CommonReceiverOptions {
  /**
   * The endpoint's signing secret from the Vital (Junction) dashboard, `whsec_<base64>` (the prefix is
   * optional), or several during a rotation. Any match passes.
   */
  readonly secret: Secrets;
  /** How far `svix-timestamp` may be from the clock, both ways. Default 300 s, as Svix. */
  readonly toleranceSeconds?: number | null;
}

/** A framework-neutral receiver for Vital (Junction) webhooks, delivered by Svix (Standard Webhooks). */
export function createVitalReceiver(options: VitalWebhookOptions): Receiver<VitalEventMap> {
  const authenticators = [standardWebhooks({ secrets: options.secret, toleranceSeconds: options.toleranceSeconds })];
  return createReceiver(vitalProvider, { ...options, authenticators });
}
