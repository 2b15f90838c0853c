import type { Authenticator } from '../auth/authenticator.js';
import { decodeBody } from '../body/decode-body.js';
import { DEFAULT_BODY_LIMITS, type BodyLimits } from '../body/limits.js';
import { readBody } from '../body/read-body.js';
import { WebhookError, isWebhookError } from '../errors/webhook-error.js';
import { EventHub, type HandlerFailure } from '../events/event-hub.js';
import { ACCEPTED, errorResponse } from '../http/error-response.js';
import type { WebhookRequest, WebhookResponse } from '../http/webhook-request.js';
import type { ProviderDefinition } from '../providers/provider-definition.js';
import { checkContentType } from './check-content-type.js';
import { classifyDelivery, type ClassifiedDelivery } from './classify-delivery.js';
import { parseJson } from './parse-json.js';
import type { Receiver } from './receiver.js';
import type { CommonReceiverOptions } from './receiver-options.js';

export interface CreateReceiverOptions extends CommonReceiverOptions {
  /** Every scheme must pass. Provider factories build these from their own options. */
  readonly authenticators: readonly Authenticator[];
  /**
   * Must be `true` to run with no authenticator at all; an endpoint that anyone can post health data
   * to is never a default.
   */
  readonly allowUnauthenticated?: boolean;
}

/**
 * Composes the pipeline for one provider: method and media type, web authentication, raw body,
 * signature over the wire bytes, decoding, signature over decoded bytes, JSON, envelope, schema, then
 * handlers. Provider factories (`createThryveReceiver`, ...) call this; most users never do.
 */
export function createReceiver<EventMap, Event extends { readonly type: string; readonly deliveryKey: string }>(
  provider: ProviderDefinition<Event>,
  options: CreateReceiverOptions,
): Receiver<EventMap> {
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

  async function run(request: WebhookRequest): Promise<WebhookResponse> {
    if (request.method.toUpperCase() !== 'POST') {
      throw new WebhookError('method_not_allowed', 'Webhook deliveries are POST requests.');
    }
    const { headers } = request;
    checkContentType(headers);
    const now = clock();
    for (const auth of headerAuth) auth.verify({ headers, body: emptyBody, now });
    const wire = await readBody(request.body, headers, limits);
    for (const auth of wireAuth) auth.verify({ headers, body: wire, now });
    const contentEncoding = headers['content-encoding'];
    const decoded = await decodeBody(wire, Array.isArray(contentEncoding) ? contentEncoding.join(',') : contentEncoding, limits.maxDecodedBytes);
    for (const auth of decodedAuth) auth.verify({ headers, body: decoded, now });

    const payload = parseJson(decoded);
    const type = provider.eventTypeOf(payload);
    if (type === undefined) {
      throw new WebhookError('invalid_envelope', `The body is JSON but not a ${provider.name} webhook envelope (no event type).`);
    }
    const deliveryKey = provider.deliveryKey(headers, decoded);
    const delivery = classifyDelivery(provider, { type, payload, deliveryKey, receivedAt: new Date(now), headers });
    if (strict) refuseIfNotValid(delivery);

    const failures = await dispatch(delivery);
    if (failures.length > 0) {
      throw new WebhookError(
        'handler_failed',
        'A handler failed and no store is configured to retry it, so the provider is asked to retry the delivery.',
      );
    }
    return ACCEPTED;
  }

  async function dispatch(delivery: ClassifiedDelivery<Event>): Promise<HandlerFailure[]> {
    const failures =
      delivery.kind === 'event'
        ? await hub.emitEvent(delivery.event)
        : delivery.kind === 'unknown'
          ? await hub.emitUnknown(delivery.event)
          : await hub.emitInvalid(delivery.event);
    for (const failure of failures) {
      hub.reportError({
        provider: provider.name,
        phase: 'handler',
        error: failure.error,
        deliveryKey: delivery.event.deliveryKey,
        eventType: failure.eventType,
      });
    }
    return failures;
  }

  const receiver: Receiver<EventMap> = {
    provider: provider.name,
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
