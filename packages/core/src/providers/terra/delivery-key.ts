import { hash } from 'node:crypto';
import { headerValue, type IncomingHeaders } from '../../http/webhook-request.js';

/** The header Terra repeats on every retry of one delivery. */
export const TERRA_TRACE_ID_HEADER = 'x-terra-trace-id';

/**
 * The header shared by all chunks of one large request. Not a delivery key: the chunks are distinct
 * deliveries with distinct data. Exposed on events as `reference` for reassembling them.
 */
export const TERRA_REFERENCE_HEADER = 'terra-reference';

/**
 * The delivery key of a Terra webhook: `terra:<X-Terra-Trace-Id>`, or `terra:sha256:<hex>` of the
 * decoded body when the header is missing (a proxy stripped it, or an old integration), so retries of
 * the same body are still recognised.
 */
export function terraDeliveryKey(headers: IncomingHeaders, decodedBody: Uint8Array): string {
  const traceId = headerValue(headers, TERRA_TRACE_ID_HEADER);
  if (traceId !== undefined) return `terra:${traceId}`;
  return `terra:sha256:${hash('sha256', decodedBody, 'hex')}`;
}

/** The `terra-reference` of a delivery, when it is one chunk of a large request. */
export function terraReference(headers: IncomingHeaders): string | undefined {
  return headerValue(headers, TERRA_REFERENCE_HEADER);
}
