import { WebhookError, isWebhookError } from '../errors/webhook-error.js';
import type { IncomingHeaders } from '../http/webhook-request.js';
import type { TerraEvent } from '../providers/terra/types.js';
import type { ThryveEvent } from '../providers/thryve/types.js';
import type { VitalEvent } from '../providers/vital/types.js';
import type { Receiver } from '../receiver/receiver.js';
import { createTerraReceiver, type TerraWebhookOptions } from '../receiver/terra-receiver.js';
import { createThryveReceiver, type ThryveWebhookOptions } from '../receiver/thryve-receiver.js';
import { createVitalReceiver, type VitalWebhookOptions } from '../receiver/vital-receiver.js';

/** Headers as a plain object (any case, as Node, a queue message or a Lambda event carries them) or a Fetch `Headers`. */
export type EventHeaders = Readonly<Record<string, string | readonly string[] | undefined>> | Headers;

/** One delivery as it was received: the exact body bytes (still compressed) and the headers. */
export interface RawDelivery {
  /** The body exactly as received. A string is taken as its UTF-8 bytes, so pass compressed bodies as bytes. */
  readonly body: Uint8Array | string;
  readonly headers: EventHeaders;
}

/** The receiver options that make sense without an HTTP server and handlers: no store, worker, retention, waitUntil or handler timeout. */
type Verifying<Options> = Omit<Options, 'store' | 'worker' | 'retentionMs' | 'bodyRetentionMs' | 'storeRecords' | 'waitUntil' | 'strict' | 'handlerTimeoutMs'>;

export type ConstructThryveEventInput = RawDelivery & Verifying<ThryveWebhookOptions>;
export type ConstructTerraEventInput = RawDelivery & Verifying<TerraWebhookOptions>;
export type ConstructVitalEventInput = RawDelivery & Verifying<VitalWebhookOptions>;

/**
 * Verifies and decodes one Thryve delivery (signature over the bytes as received, Content-Encoding,
 * JSON, envelope, schema) and returns its typed event. For queue consumers and frameworks wearhook
 * has no adapter for; like stripe-node's `constructEvent`:
 *
 * ```ts
 * const event = await constructThryveEvent({ body: rawBuffer, headers, secret: process.env.THRYVE_HMAC_SECRET });
 * ```
 *
 * Throws `WebhookError` with the same codes and statuses as the HTTP response contract; an unknown
 * event type or a payload that fails its schema throws `unknown_event_type` / `invalid_payload`
 * (the receivers' strict mode), since there is no handler here to surface them to.
 */
export function constructThryveEvent(input: ConstructThryveEventInput): Promise<ThryveEvent> {
  return constructWith(createThryveReceiver({ ...input, strict: true }), input);
}

/** `constructThryveEvent` for Terra: verifies `terra-signature` and returns the typed event. */
export function constructTerraEvent(input: ConstructTerraEventInput): Promise<TerraEvent> {
  return constructWith(createTerraReceiver({ ...input, strict: true }), input);
}

/** `constructThryveEvent` for Vital (Junction): verifies the Svix signature and returns the typed event. */
export function constructVitalEvent(input: ConstructVitalEventInput): Promise<VitalEvent> {
  return constructWith(createVitalReceiver({ ...input, strict: true }), input);
}

export interface ConstructEventInputs {
  readonly thryve: ConstructThryveEventInput;
  readonly terra: ConstructTerraEventInput;
  readonly vital: ConstructVitalEventInput;
}

export interface ConstructedEvents {
  readonly thryve: ThryveEvent;
  readonly terra: TerraEvent;
  readonly vital: VitalEvent;
}

/** The provider-generic form: `constructEvent('vital', { body, headers, secret })`. */
export function constructEvent<Provider extends keyof ConstructEventInputs>(
  provider: Provider,
  input: ConstructEventInputs[Provider],
): Promise<ConstructedEvents[Provider]> {
  switch (provider) {
    case 'thryve':
      return constructThryveEvent(input as ConstructThryveEventInput) as Promise<ConstructedEvents[Provider]>;
    case 'terra':
      return constructTerraEvent(input as ConstructTerraEventInput) as Promise<ConstructedEvents[Provider]>;
    case 'vital':
      return constructVitalEvent(input as ConstructVitalEventInput) as Promise<ConstructedEvents[Provider]>;
    default:
      throw new TypeError(`wearhook: constructEvent knows the providers thryve, terra and vital, not ${JSON.stringify(String(provider))}.`);
  }
}

/**
 * Runs the receiver's own pipeline on the bytes, so this API can never verify differently from the
 * adapters: the typed event comes out through `onAny`, a refusal through `onError`.
 */
async function constructWith<EventMap>(receiver: Receiver<EventMap>, delivery: RawDelivery): Promise<EventMap[keyof EventMap]> {
  let event: EventMap[keyof EventMap] | undefined;
  let refusal: unknown;
  receiver.onAny((built) => {
    event = built;
  });
  receiver.onError(({ phase, error }) => {
    if (phase === 'request') refusal = error;
  });
  const body = typeof delivery.body === 'string' ? Buffer.from(delivery.body, 'utf8') : toBuffer(delivery.body);
  const response = await receiver.handle({ method: 'POST', headers: lowerCaseHeaders(delivery.headers), body: { kind: 'buffer', buffer: body } });
  if (event !== undefined && response.status < 300) return event;
  if (isWebhookError(refusal)) throw refusal;
  throw new WebhookError('internal_error', 'wearhook failed unexpectedly while constructing the event.', { cause: refusal });
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function lowerCaseHeaders(headers: EventHeaders): IncomingHeaders {
  const result: Record<string, string | string[] | undefined> = {};
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    headers.forEach((value, name) => {
      result[name] = value;
    });
    return result;
  }
  for (const [name, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    result[name.toLowerCase()] = Array.isArray(value) ? [...(value as readonly string[])] : (value as string | undefined);
  }
  return result;
}
