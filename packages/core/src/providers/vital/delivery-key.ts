import { hash } from 'node:crypto';
import { readHeader } from '../../auth/headers.js';
import type { IncomingHeaders } from '../../http/webhook-request.js';

/** Svix's message id header, repeated on every retry; `webhook-id` on white-labelled plans. */
export const VITAL_MESSAGE_ID_HEADERS = ['svix-id', 'webhook-id'] as const;

/**
 * The delivery key of a Vital webhook: `vital:<svix-id>` (or `webhook-id`), else `vital:sha256:<hex>`
 * of the decoded body, so retries are still recognised if a proxy dropped the header. Svix ids start
 * with `msg_`, so the two forms cannot collide.
 *
 * The id is read exactly as the signature check reads it (`readHeader`): a repeated `svix-id` joined
 * into `msg_X, msg_X` verifies as `msg_X`, and a key taken from the joined string was a new key for a
 * resent copy of a captured delivery, handled again.
 */
export function vitalDeliveryKey(headers: IncomingHeaders, decodedBody: Uint8Array): string {
  for (const name of VITAL_MESSAGE_ID_HEADERS) {
    const id = readHeader(headers, name, 'malformed_signature');
    if (id !== undefined) return `vital:${id}`;
  }
  return `vital:sha256:${hash('sha256', decodedBody, 'hex')}`;
}
