import { signHmac } from '../auth/sign.js';
import type { ThryveEventType } from '../providers/thryve/event-types.js';
import type { ThryvePayloadMap } from '../providers/thryve/payload-types.js';
import { thryveSamples } from '../providers/thryve/samples.js';
import { nowSeconds, type TestDelivery } from './test-delivery.js';
import { zstdCompress } from './zstd-compress.js';

export interface ThryveTestDeliveryOptions {
  /** The HMAC secret the receiver under test is configured with. */
  readonly secret: string;
  /**
   * zstd-compress the body, as Thryve's data push does. Default: `true` for `event.data.*` types,
   * `false` for notifications.
   */
  readonly compress?: boolean;
  /** Unix seconds sent in `X-HMAC-Timestamp`; `false` sends no timestamp. Default: now. */
  readonly timestamp?: number | false;
}

/**
 * A signed Thryve delivery for `type`, built from a realistic sample or from your own `payload`, signed
 * with wearhook's default scheme (hex HMAC-SHA256 over the bytes as sent, then the timestamp):
 *
 * ```ts
 * const { body, headers } = thryveTestDelivery('event.data.epoch.create', { secret });
 * await request(app).post('/webhooks/thryve').set(headers).send(body);
 * ```
 */
export function thryveTestDelivery<Type extends ThryveEventType>(
  type: Type,
  options: ThryveTestDeliveryOptions & { readonly payload?: ThryvePayloadMap[Type] },
): TestDelivery {
  const payload = options.payload ?? thryveSamples[type]();
  const json = Buffer.from(JSON.stringify(payload));
  const compress = options.compress ?? type.startsWith('event.data.');
  const body = compress ? zstdCompress(json) : json;
  const timestamp = options.timestamp === false ? undefined : String(options.timestamp ?? nowSeconds());
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-hmac-signature': signHmac(options.secret, body, timestamp === undefined ? {} : { timestamp }),
  };
  if (timestamp !== undefined) headers['x-hmac-timestamp'] = timestamp;
  if (compress) headers['content-encoding'] = 'zstd';
  return { body, headers };
}
