import { decodeBody } from '../body/decode-body.js';
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

/** Schemes that need only the headers (web authentication), before any byte of the body is read. */
export function authenticateHeaders(pipeline: ReceiverPipeline<unknown>, headers: IncomingHeaders, now: number): void {
  for (const auth of pipeline.headerAuth) auth.verify({ headers, body: EMPTY_BODY, now });
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

/** Signatures over the decoded bytes. */
export function authenticateDecoded(pipeline: ReceiverPipeline<unknown>, headers: IncomingHeaders, decoded: Buffer, now: number): void {
  for (const auth of pipeline.decodedAuth) auth.verify({ headers, body: decoded, now });
}
