import { hash } from 'node:crypto';
import { headerValue, type IncomingHeaders } from '../../http/webhook-request.js';

/** Svix's message id header, repeated on every retry; `webhook-id` on white-labelled plans. */
export const VITAL_MESSAGE_ID_HEADERS = ['svix-id', 'webhook-id'] as const;

/**
 * The delivery key of a Vital webhook: `vital:<svix-id>` (or `webhook-id`), else `vital:sha256:<hex>`
 * of the decoded body, so retries are still recognised if a proxy dropped the header. Svix ids start
 * with `msg_`, so the two forms cannot collide.
 */
export function vitalDeliveryKey(headers: IncomingHeaders, decodedBody: Uint8Array): string {
  for (const name of VITAL_MESSAGE_ID_HEADERS) {
    const id = headerValue(headers, name);
    if (id !== undefined) return `vital:${id}`;
  }
  return `vital:sha256:${hash('sha256', decodedBody, 'hex')}`;
}
