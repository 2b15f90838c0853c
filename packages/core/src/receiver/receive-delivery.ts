import type { WebhookRequest, WebhookResponse } from '../http/webhook-request.js';
import { freeBytes } from '../body/free-bytes.js';
import { checkStoredLabel } from '../providers/stored-label.js';
import type { Acknowledger } from './acknowledge-now.js';
import { decodeUtf8 } from './parse-json.js';
import { classify, parse, type ReceivedDelivery } from './payload-stages.js';
import type { ReceiverPipeline } from './pipeline.js';
import { authenticateDecoded, authenticateHeaders, authenticateWire, checkMethodAndType, decode, readWireBody } from './request-stages.js';

/**
 * Decoded size from which the pipeline takes an extra turn of the microtask queue after each form of
 * the body it no longer needs. The code after an `await` runs inside a job that holds the awaited
 * value (the decoded Buffer) until the next `await`, and an interpreted frame keeps the temporaries
 * of calls already made, so without that turn the decoded bytes stay reachable while JSON.parse builds
 * the objects, and the text while the handlers start. A turn costs well under a microsecond: nothing
 * next to parsing a megabyte, but not worth paying on every small delivery.
 */
const LARGE_BODY = 1024 * 1024;

/** An `await` on this starts a fresh microtask that holds nothing of the body. */
function letGo(): Promise<void> {
  return Promise.resolve();
}

/** The key with the number of the repeat window the delivery arrived in, for types that have one. */
export function withRepeatWindow(pipeline: Pick<ReceiverPipeline<unknown>, 'repeatWindowMs'>, key: string, eventType: string, nowMs: number): string {
  const windowMs = pipeline.repeatWindowMs?.(eventType);
  if (windowMs === undefined || !Number.isFinite(windowMs)) return key;
  return `${key}:w${Math.floor(nowMs / windowMs)}`;
}

/**
 * One delivery through the pipeline: method and media type, web authentication, raw body, signature
 * over the wire bytes, decoding, signature over decoded bytes, JSON and envelope, schema, then the
 * acknowledger (`acknowledgeNow` without a store, `persistThenAcknowledge` with one). Rejects with a
 * WebhookError (or StoreUnavailableError) to refuse; the receiver turns that into the response.
 */
export async function receiveDelivery<Event>(
  pipeline: ReceiverPipeline<Event>,
  request: WebhookRequest,
  acknowledger: Acknowledger,
): Promise<WebhookResponse> {
  const { headers } = request;
  const { provider } = pipeline;
  checkMethodAndType(request);
  const now = pipeline.clock();
  authenticateHeaders(pipeline, headers, now);
  // The body's successive forms (wire bytes, decoded bytes, text, parsed JSON) are each let go as soon
  // as the next exists, so a large delivery does not hold them all at once (see `LARGE_BODY`).
  let wire: Buffer | undefined = await readWireBody(pipeline, request);
  authenticateWire(pipeline, headers, wire, now);
  let decoded: Buffer | undefined = await decode(pipeline, headers, wire);
  // Bytes the decoder made are this function's alone; the wire bytes may be the application's.
  const decoderOutput = decoded !== wire;
  wire = undefined;
  authenticateDecoded(pipeline, headers, decoded, now);

  const bodyKey = provider.deliveryKey(headers, decoded);
  checkStoredLabel(bodyKey, 'delivery key');
  let text: string | undefined = decodeUtf8(decoded);
  const large = decoded.length >= LARGE_BODY;
  if (large && decoderOutput) freeBytes(decoded);
  decoded = undefined;
  if (large) await letGo();
  const { type, payload } = parse(provider, text);
  const deliveryKey = withRepeatWindow(pipeline, bodyKey, type, now);
  if (!acknowledger.keepsText) {
    text = undefined;
    if (large) await letGo();
  }
  const received: ReceivedDelivery = {
    type,
    payload,
    deliveryKey,
    receivedAt: new Date(now),
    context: provider.deliveryContext(headers),
  };
  return acknowledger.acknowledge(classify(pipeline, received), text);
}
