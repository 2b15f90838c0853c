import { terraSignature } from '../auth/terra-signature.js';
import type { Secrets } from '../auth/secrets.js';
import { terraProvider } from '../providers/terra/provider.js';
import type { TerraEventMap } from '../providers/terra/types.js';
import { createReceiver } from './create-receiver.js';
import type { Receiver } from './receiver.js';
import type { CommonReceiverOptions } from './receiver-options.js';

export interface TerraWebhookOptions extends CommonReceiverOptions {
  /**
   * The signing secret from the Terra dashboard (used as its UTF-8 bytes, exactly as shown), or several:
   * environments or a rotation sharing one URL. Any match passes.
   */
  readonly secret: Secrets;
  /** How far the signed `t=` may be from the clock, both ways. Default 300 s, as Terra's SDK. */
  readonly toleranceSeconds?: number | null;
}

/** A framework-neutral receiver for Terra webhooks (`terra-signature` / `X-Terra-Signature`). */
export function createTerraReceiver(options: TerraWebhookOptions): Receiver<TerraEventMap> {
  const authenticators = [terraSignature({ secrets: options.secret, toleranceSeconds: options.toleranceSeconds })];
  return createReceiver(terraProvider, { ...options, authenticators });
}
