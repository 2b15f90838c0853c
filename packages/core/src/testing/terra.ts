import { randomUUID } from 'node:crypto';
import { signTerra } from '../auth/sign.js';
import type { TerraEventType } from '../providers/terra/event-types.js';
import type { TerraPayloadMap } from '../providers/terra/generated/types.js';
import { terraSamples } from '../providers/terra/samples.js';
import { nowSeconds, type TestDelivery } from './test-delivery.js';

export interface TerraTestDeliveryOptions<Type extends TerraEventType> {
  /** The signing secret the receiver under test is configured with. */
  readonly secret: string;
  /** Your own payload; default: a realistic sample of `type`. */
  readonly payload?: TerraPayloadMap[Type];
  /** Unix seconds in `t=`. Default: now. */
  readonly timestamp?: number;
  /**
   * `X-Terra-Trace-Id`, for display and correlation; Terra repeats it on retries. Not the delivery key,
   * which is the body's hash (the trace id is not signed): two deliveries of the same sample are one
   * delivery and its retry, whatever their trace ids. Default: a random UUID.
   */
  readonly traceId?: string;
}

/**
 * A Terra delivery signed as Terra signs it (`terra-signature: t=…,v1=…`):
 *
 * ```ts
 * const { body, headers } = terraTestDelivery('sleep', { secret });
 * ```
 */
export function terraTestDelivery<Type extends TerraEventType>(type: Type, options: TerraTestDeliveryOptions<Type>): TestDelivery {
  const body = Buffer.from(JSON.stringify(options.payload ?? terraSamples[type]()));
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'terra-signature': signTerra(options.secret, body, options.timestamp ?? nowSeconds()),
      'x-terra-trace-id': options.traceId ?? randomUUID(),
    },
  };
}
