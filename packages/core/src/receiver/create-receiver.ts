import type { Authenticator } from '../auth/authenticator.js';
import { decodeBody } from '../body/decode-body.js';
import { DEFAULT_BODY_LIMITS, type BodyLimits } from '../body/limits.js';
import { readBody } from '../body/read-body.js';
import { WebhookError, isWebhookError } from '../errors/webhook-error.js';
import { EventHub } from '../events/event-hub.js';
import type { RecordRef } from '../events/webhook-event.js';
import { ACCEPTED, errorResponse } from '../http/error-response.js';
import type { WebhookRequest, WebhookResponse } from '../http/webhook-request.js';
import type { Dispatcher } from '../inbox/dispatcher.js';
import type { ProviderDefinition } from '../providers/provider-definition.js';
import { StoreUnavailableError } from '../stores/store-unavailable-error.js';
import { DEFAULT_RETENTION_MS, type WebhookStore } from '../stores/webhook-store.js';
import { checkContentType } from './check-content-type.js';
import { checkDelivery, classifyDelivery, quarantined, type ClassifiedDelivery } from './classify-delivery.js';
import { decodeUtf8, parseJson } from './parse-json.js';
import type { Receiver } from './receiver.js';
import type { CommonReceiverOptions } from './receiver-options.js';
import { runHandlers } from './run-handlers.js';
import { createStoreWorker } from './store-worker.js';

export interface CreateReceiverOptions extends CommonReceiverOptions {
  /** Every scheme must pass. Provider factories build these from their own options. */
  readonly authenticators: readonly Authenticator[];
  /**
   * Must be `true` to run with no authenticator at all; an endpoint that anyone can post health data
   * to is never a default.
   */
  readonly allowUnauthenticated?: boolean;
}

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Decoded size from which the receiver takes an extra turn of the microtask queue after each form of
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

/**
 * Composes the pipeline for one provider: method and media type, web authentication, raw body,
 * signature over the wire bytes, decoding, signature over decoded bytes, JSON, envelope, schema, then
 * either the handlers (no store) or the durable inbox (store). Provider factories
 * (`createThryveReceiver`, ...) call this; most users never do.
 */
export function createReceiver<
  EventMap,
  Event extends { readonly type: string; readonly deliveryKey: string; readonly receivedAt: Date; readonly records: readonly RecordRef[] },
>(provider: ProviderDefinition<Event>, options: CreateReceiverOptions): Receiver<EventMap> {
  if (options.authenticators.length === 0 && options.allowUnauthenticated !== true) {
    throw new Error(
      `wearhook: the ${provider.name} receiver has no authentication configured. Pass the webhook secret ` +
        `from the ${provider.name} dashboard, or set allowUnauthenticated: true if unauthenticated delivery is really intended.`,
    );
  }
  const limits: BodyLimits = { ...DEFAULT_BODY_LIMITS, ...options.limits };
  const clock = options.clock ?? Date.now;
  const strict = options.strict === true;
  const byStage = (stage: Authenticator['stage']) => options.authenticators.filter((a) => a.stage === stage);
  const headerAuth = byStage('headers');
  const wireAuth = byStage('wire');
  const decodedAuth = byStage('decoded');
  const hub = new EventHub<EventMap>();
  const emptyBody = Buffer.alloc(0);
  const { store } = options;
  const worker = store === undefined || options.worker === false ? undefined : createStoreWorker(provider, store, hub, options.worker ?? {});
  if (options.worker !== false && options.worker?.autoStart !== false) worker?.start();
  const purgeTimer = store === undefined ? undefined : schedulePurge(store, options.retentionMs ?? DEFAULT_RETENTION_MS, (error) =>
    hub.reportError({ provider: provider.name, phase: 'dispatch', error }),
  );

  async function run(request: WebhookRequest): Promise<WebhookResponse> {
    const { method, headers } = request;
    if (method !== 'POST' && method.toUpperCase() !== 'POST') {
      throw new WebhookError('method_not_allowed', 'Webhook deliveries are POST requests.');
    }
    checkContentType(headers);
    const now = clock();
    for (const auth of headerAuth) auth.verify({ headers, body: emptyBody, now });
    // The body's successive forms (wire bytes, decoded bytes, text, parsed JSON) are each let go as
    // soon as the next exists, so a large delivery does not hold them all at once (see `LARGE_BODY`).
    let wire: Buffer | undefined = await readBody(request.body, headers, limits);
    for (const auth of wireAuth) auth.verify({ headers, body: wire, now });
    const contentEncoding = headers['content-encoding'];
    let decoded: Buffer | undefined = await decodeBody(
      wire,
      Array.isArray(contentEncoding) ? contentEncoding.join(',') : contentEncoding,
      limits.maxDecodedBytes,
    );
    wire = undefined;
    for (const auth of decodedAuth) auth.verify({ headers, body: decoded, now });

    const deliveryKey = provider.deliveryKey(headers, decoded);
    let text: string | undefined = decodeUtf8(decoded);
    const large = decoded.length >= LARGE_BODY;
    decoded = undefined;
    if (large) await letGo();
    let payload: unknown = parseJson(text);
    if (store === undefined) {
      // Without a store the text is not needed once parsed; with one, it is what gets stored.
      text = undefined;
      if (large) await letGo();
    }
    const type = provider.eventTypeOf(payload);
    if (type === undefined) {
      throw new WebhookError('invalid_envelope', `The body is JSON but not a ${provider.name} webhook envelope (no event type).`);
    }
    const receivedAt = new Date(now);
    if (store === undefined) {
      const delivery = classifyDelivery(provider, { type, payload, deliveryKey, receivedAt, context: provider.deliveryContext(headers) });
      if (strict) refuseIfNotValid(delivery);
      return handleNow(delivery);
    }
    // With a store the typed event is not built here: the worker rebuilds it from the stored body.
    const verdict = checkDelivery(provider, type, payload);
    const quarantine = verdict.kind === 'event' ? undefined : quarantined(provider, { type, payload, deliveryKey, receivedAt }, verdict);
    if (strict && quarantine !== undefined) refuseIfNotValid(quarantine);
    // The parsed body is not needed to store the text (a quarantined delivery keeps its own reference).
    payload = undefined;
    if (large) await letGo();
    return persist(store, { type, deliveryKey, receivedAt, body: text! }, quarantine);
  }

  /** No store: the handlers run before the acknowledgement, so a failure can still ask for a retry. */
  async function handleNow(delivery: ClassifiedDelivery<Event>): Promise<WebhookResponse> {
    const failures = await runHandlers(hub, provider.name, delivery);
    if (failures.length > 0) {
      throw new WebhookError(
        'handler_failed',
        'A handler failed and no store is configured to retry it, so the provider is asked to retry the delivery.',
      );
    }
    return ACCEPTED;
  }

  /**
   * Store: persist, then acknowledge; the worker dispatches. A retry of a stored delivery is only
   * acknowledged. `quarantine` is the unknown or invalid delivery, `undefined` for a valid event.
   */
  async function persist(
    target: WebhookStore,
    received: { readonly type: string; readonly deliveryKey: string; readonly receivedAt: Date; readonly body: string },
    quarantine: Exclude<ClassifiedDelivery<never>, { readonly kind: 'event' }> | undefined,
  ): Promise<WebhookResponse> {
    let inserted: boolean;
    try {
      ({ inserted } = await target.putIfAbsent({
        provider: provider.name,
        deliveryKey: received.deliveryKey,
        eventType: received.type,
        state: quarantine === undefined ? 'pending' : 'quarantined',
        body: received.body,
        receivedAt: received.receivedAt,
        issues:
          quarantine === undefined ? undefined : quarantine.kind === 'invalid' ? quarantine.event.issues : [{ path: '/', message: 'unknown event type' }],
      }));
    } catch (error) {
      throw error instanceof StoreUnavailableError
        ? error
        : new StoreUnavailableError('The store failed to persist the delivery; the provider will retry.', { cause: error });
    }
    if (!inserted) return ACCEPTED;
    if (quarantine === undefined) worker?.wake();
    // Quarantined deliveries are kept, not dispatched: surface them now, after the acknowledgement.
    else void runHandlers(hub, provider.name, quarantine);
    return ACCEPTED;
  }

  const receiver: Receiver<EventMap> = {
    provider: provider.name,
    worker: worker as Dispatcher | undefined,
    async handle(request) {
      try {
        return await run(request);
      } catch (error) {
        const refusal = isWebhookError(error)
          ? error
          : new WebhookError('internal_error', 'wearhook failed unexpectedly; the error was reported to onError handlers.', { cause: error });
        hub.reportError({ provider: provider.name, phase: 'request', error: refusal });
        return errorResponse(refusal);
      }
    },
    async close(closeOptions) {
      if (purgeTimer !== undefined) clearInterval(purgeTimer);
      await worker?.stop(closeOptions);
    },
    on(type, handler) {
      hub.on(type, handler);
      return this;
    },
    onAny(handler) {
      hub.onAny(handler);
      return this;
    },
    onUnknown(handler) {
      hub.onUnknown(handler);
      return this;
    },
    onInvalid(handler) {
      hub.onInvalid(handler);
      return this;
    },
    onError(handler) {
      hub.onError(handler);
      return this;
    },
  };
  return receiver;
}

function schedulePurge(store: WebhookStore, retentionMs: number, onError: (error: unknown) => void): NodeJS.Timeout {
  const timer = setInterval(() => {
    store.purge({ olderThan: new Date(Date.now() - retentionMs) }).catch(onError);
  }, PURGE_INTERVAL_MS);
  // The purge must never keep a process alive that is otherwise done.
  timer.unref();
  return timer;
}

function refuseIfNotValid(delivery: ClassifiedDelivery<unknown>): void {
  if (delivery.kind === 'unknown') {
    throw new WebhookError('unknown_event_type', `Event type ${quoteShort(delivery.type)} is not one this provider is known to send.`);
  }
  if (delivery.kind === 'invalid') {
    const first = delivery.event.issues[0];
    const where = first === undefined ? '' : ` First problem: ${first.path} ${first.message}.`;
    throw new WebhookError('invalid_payload', `The ${delivery.type} payload does not match its schema.${where}`);
  }
}

/** Event types come from the payload: quote them, and cut them short so an error body never carries much of it. */
function quoteShort(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}
