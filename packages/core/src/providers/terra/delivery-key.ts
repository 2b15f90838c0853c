import { hash } from 'node:crypto';
import { headerValue, type IncomingHeaders } from '../../http/webhook-request.js';

/**
 * The header Terra repeats on every retry of one delivery. Not covered by the signature, so it is
 * shown for correlation (`terraTraceId`) but never used as the delivery key.
 */
export const TERRA_TRACE_ID_HEADER = 'x-terra-trace-id';

/**
 * The header shared by all chunks of one large request. Not a delivery key: the chunks are distinct
 * deliveries with distinct data. Exposed on events as `reference` for reassembling them.
 */
export const TERRA_REFERENCE_HEADER = 'terra-reference';

/**
 * The delivery key of a Terra webhook: `terra:sha256:<hex>` of the decoded body, what the signature
 * covers (without `t`, which a retry may change).
 *
 * Not `X-Terra-Trace-Id`: the signature does not cover it, so anyone holding one captured body could
 * resend it under fresh ids within the timestamp window (each copy handled again), or send it first
 * under the id of a genuine delivery still to come (which then looked like a duplicate and was never
 * handled). The cost, as for Thryve: two distinct deliveries with byte-identical bodies count as one,
 * which loses nothing for data events (same data) and repeats nothing for the others.
 *
 * `headers` is unused, kept so every provider's key has the same signature.
 */
export function terraDeliveryKey(_headers: IncomingHeaders, decodedBody: Uint8Array): string {
  return `terra:sha256:${hash('sha256', decodedBody, 'hex')}`;
}

/** The `X-Terra-Trace-Id` of a delivery, for display and correlation with Terra's logs; unsigned. */
export function terraTraceId(headers: IncomingHeaders): string | undefined {
  return headerValue(headers, TERRA_TRACE_ID_HEADER);
}

/** The `terra-reference` of a delivery, when it is one chunk of a large request. */
export function terraReference(headers: IncomingHeaders): string | undefined {
  return headerValue(headers, TERRA_REFERENCE_HEADER);
}
