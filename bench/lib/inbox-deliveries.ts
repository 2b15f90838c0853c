// Distinct signed Vital deliveries for the end-to-end inbox benchmark: every request a NEW delivery
// (its own svix-id and user: its own records, for an app that stores them), signed the way Svix
// signs, with the current time (the example app checks signatures against the real clock, with
// Standard Webhooks' 5-minute tolerance, so a pool is made right before the subject that uses it).
//
// Bodies are not kept: 2.5 KB × hundreds of thousands would be most of the load generator's memory.
// A body is rebuilt from a template on each request (one small copy), and only its signature is
// precomputed; the rebuilt bytes are exactly the signed ones.
import { signStandardWebhooks } from '@wearhook/core/testing';
import { SECRETS, vitalHeartrateJson } from './fixtures.js';

/** The user id of the Vital sample, whose last 12 hex digits are replaced by the delivery's number. */
const SAMPLE_USER = 'b5a1e2c4-7d3f-4e8a-9b0c-1d2e3f4a5b6c';

export interface DeliveryPool {
  /** Prefix of every svix-id in this pool, so the handled lines of this pool can be told apart. */
  readonly idPrefix: string;
  readonly size: number;
  /** Decoded body size in bytes (the same for every delivery of the pool). */
  readonly bodyBytes: number;
  /** The i-th delivery (0 ≤ i < size): its svix-id, headers and body. */
  delivery(i: number): { readonly id: string; readonly headers: Record<string, string>; readonly body: Buffer };
}

/**
 * `size` distinct Vital `daily.data.heartrate.created` deliveries of about 2.5 KB, signed now with
 * the bench's Vital secret. `label` goes into the svix-ids (`msg_<label>_<n>`): give each pool its own.
 */
export function vitalDeliveryPool(label: string, size: number): DeliveryPool {
  const template = vitalHeartrateJson(2500).toString('latin1');
  const at = template.indexOf(SAMPLE_USER);
  if (at < 0) throw new Error('inbox fixture: the Vital sample no longer carries the expected user_id');
  const head = Buffer.from(template.slice(0, at + SAMPLE_USER.length - 12), 'latin1');
  const tail = Buffer.from(template.slice(at + SAMPLE_USER.length), 'latin1');
  const bodyBytes = head.length + 12 + tail.length;
  const idPrefix = `msg_${label}_`;
  const timestamp = Math.floor(Date.now() / 1000);
  const body = (i: number): Buffer => {
    const out = Buffer.allocUnsafe(bodyBytes);
    head.copy(out, 0);
    out.write(i.toString(16).padStart(12, '0'), head.length, 'latin1');
    tail.copy(out, head.length + 12);
    return out;
  };
  const signatures: string[] = new Array<string>(size);
  for (let i = 0; i < size; i++) signatures[i] = signStandardWebhooks(SECRETS.vital, `${idPrefix}${i}`, timestamp, body(i));
  const stamp = String(timestamp);
  return {
    idPrefix,
    size,
    bodyBytes,
    delivery(i) {
      const id = `${idPrefix}${i}`;
      return {
        id,
        body: body(i),
        headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': stamp, 'svix-signature': signatures[i] as string },
      };
    },
  };
}

/** The secrets the benchmark's apps are started with (the example reads them from these variables). */
export const APP_SECRET_ENV = {
  THRYVE_HMAC_SECRET: SECRETS.thryve,
  TERRA_SIGNING_SECRET: SECRETS.terra,
  VITAL_WEBHOOK_SECRET: SECRETS.vital,
} as const;
