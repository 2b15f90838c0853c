import { decodeBody } from '../body/decode-body.js';
import { checkJsonDepth } from '../body/json-depth.js';
import { readBody } from '../body/read-body.js';
import { WebhookError } from '../errors/webhook-error.js';
import type { IncomingHeaders, WebhookRequest } from '../http/webhook-request.js';
import { checkContentType } from './check-content-type.js';
import type { ReceiverPipeline } from './pipeline.js';

// The stages that take a request to authenticated, decoded bytes, in the order `receiveDelivery` runs
// them. Each throws a WebhookError (with its stable code) to refuse the delivery.

const EMPTY_BODY = Buffer.alloc(0);

/** Deliveries are POSTs of JSON (a missing Content-Type is tolerated). */
export function checkMethodAndType(request: Pick<WebhookRequest, 'method' | 'headers'>): void {
  const { method } = request;
  if (method !== 'POST' && method.toUpperCase() !== 'POST') {
    throw new WebhookError('method_not_allowed', 'Webhook deliveries are POST requests.');
  }
  checkContentType(request.headers);
}

/**
 * Everything the headers alone decide, before any byte of the body is read: web authentication, and
 * for the body signatures the presence and syntax of the signature header and the timestamp window,
 * so a delivery those refuse costs no body buffering (issue 10).
 */
export function authenticateHeaders(pipeline: ReceiverPipeline<unknown>, headers: IncomingHeaders, now: number): void {
  for (const auth of pipeline.headerAuth) auth.verify({ headers, body: EMPTY_BODY, now });
  for (const auth of pipeline.wireAuth) auth.checkHeaders?.({ headers, now });
  for (const auth of pipeline.decodedAuth) auth.checkHeaders?.({ headers, now });
}

/** The body as sent, within the wire size limit and the slow-body timeout. */
export function readWireBody(pipeline: ReceiverPipeline<unknown>, request: Pick<WebhookRequest, 'body' | 'headers'>): Promise<Buffer> {
  return readBody(request.body, request.headers, pipeline.limits);
}

/** Signatures over the bytes as sent (still compressed). */
export function authenticateWire(pipeline: ReceiverPipeline<unknown>, headers: IncomingHeaders, wire: Buffer, now: number): void {
  for (const auth of pipeline.wireAuth) auth.verify({ headers, body: wire, now });
}

/** Undoes the Content-Encoding, within the decoded size limit. */
export function decode(pipeline: ReceiverPipeline<unknown>, headers: IncomingHeaders, wire: Buffer): Promise<Buffer> {
  const contentEncoding = headers['content-encoding'];
  return decodeBody(wire, Array.isArray(contentEncoding) ? contentEncoding.join(',') : contentEncoding, pipeline.limits.maxDecodedBytes);
}

/**
 * Signatures over the decoded bytes; then the nesting depth, refused here rather than acknowledged and
 * failing later in code that recurses (issue 10, D5).
 */
export function authenticateDecoded(pipeline: ReceiverPipeline<unknown>, headers: IncomingHeaders, decoded: Buffer, now: number): void {
  for (const auth of pipeline.decodedAuth) auth.verify({ headers, body: decoded, now });
  checkJsonDepth(decoded);
}
