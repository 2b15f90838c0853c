import { randomUUID } from 'node:crypto';
import { signStandardWebhooks } from '../auth/sign.js';
import type { VitalEventType } from '../providers/vital/event-types.js';
import type { VitalPayloadMap } from '../providers/vital/generated/types.js';
import { vitalSamples } from '../providers/vital/samples.js';
import { nowSeconds, type TestDelivery } from './test-delivery.js';

export interface VitalTestDeliveryOptions<Type extends VitalEventType> {
  /** The endpoint secret (`whsec_…`) the receiver under test is configured with. */
  readonly secret: string;
  /** Your own payload; default: a realistic sample of `type`. */
  readonly payload?: VitalPayloadMap[Type];
  /** Unix seconds in `svix-timestamp`. Default: now. */
  readonly timestamp?: number;
  /** `svix-id`, the delivery key; the same value across retries. Default: `msg_` and a random UUID. */
  readonly id?: string;
  /** Send the Standard Webhooks names (`webhook-*`) that white-labelled plans use instead of `svix-*`. */
  readonly headerPrefix?: 'svix' | 'webhook';
}

/**
 * A Vital (Junction) delivery signed as Svix signs it:
 *
 * ```ts
 * const { body, headers } = vitalTestDelivery('daily.data.sleep.created', { secret });
 * ```
 */
export function vitalTestDelivery<Type extends VitalEventType>(type: Type, options: VitalTestDeliveryOptions<Type>): TestDelivery {
  const body = Buffer.from(JSON.stringify(options.payload ?? vitalSamples[type]()));
  const id = options.id ?? `msg_${randomUUID()}`;
  const timestamp = options.timestamp ?? nowSeconds();
  const prefix = options.headerPrefix ?? 'svix';
  return {
    body,
    headers: {
      'content-type': 'application/json',
      [`${prefix}-id`]: id,
      [`${prefix}-timestamp`]: String(timestamp),
      [`${prefix}-signature`]: signStandardWebhooks(options.secret, id, timestamp, body),
    },
  };
}
