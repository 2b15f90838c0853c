import { WebhookError } from '../errors/webhook-error.js';
import type { EventContext, ProviderDefinition } from '../providers/provider-definition.js';
import { checkStoredLabel } from '../providers/stored-label.js';
import { checkDelivery, quarantined, refusedInStrictMode, type ClassifiedDelivery } from './classify-delivery.js';
import { parseJson } from './parse-json.js';
import type { ReceiverPipeline } from './pipeline.js';

// The stages that take the decoded text to a classified delivery, in the order `receiveDelivery`
// runs them.

/** A delivery after parsing: everything `toEvent` needs to build its event, whenever it is built. */
export type ReceivedDelivery = EventContext;

/** What a delivery that is not a valid event is handed to `onUnknown` / `onInvalid` as. */
export type QuarantinedDelivery = Exclude<ClassifiedDelivery<never>, { readonly kind: 'event' }>;

/** A received delivery and what it turned out to be. The typed event is not built here. */
export interface Classified {
  readonly received: ReceivedDelivery;
  /** `undefined` for a valid event of a known type; otherwise the unknown or invalid delivery. */
  readonly quarantine: QuarantinedDelivery | undefined;
}

/** JSON, and the provider's envelope: its event type. */
export function parse(provider: ProviderDefinition<unknown>, text: string): { readonly type: string; readonly payload: unknown } {
  const payload = parseJson(text);
  const type = provider.eventTypeOf(payload);
  if (type === undefined) {
    throw new WebhookError('invalid_envelope', `The body is JSON but not a ${provider.name} webhook envelope (no event type).`);
  }
  // Stored exactly as sent, or refused: never a different label (issue 10, D8).
  checkStoredLabel(type, 'event type');
  return { type, payload };
}

/**
 * Validates the payload against its event type's schema. A strict receiver refuses unknown and
 * invalid deliveries (422); otherwise they are classified for quarantine.
 */
export function classify(pipeline: ReceiverPipeline<unknown>, received: ReceivedDelivery): Classified {
  const { provider } = pipeline;
  const verdict = checkDelivery(provider, received.type, received.payload);
  if (verdict.kind === 'event') {
    return { received: verdict.drift === undefined ? received : { ...received, drift: verdict.drift }, quarantine: undefined };
  }
  const quarantine = quarantined(provider, received, verdict);
  // Strict mode refuses gate failures and unknown types only, never drift (`refusedInStrictMode`).
  if (pipeline.strict && refusedInStrictMode(verdict)) refuse(provider.name, quarantine);
  return { received, quarantine };
}

function refuse(providerName: string, delivery: QuarantinedDelivery): never {
  if (delivery.kind === 'unknown') {
    // Not the type itself: error bodies never echo the payload (the log line has it).
    throw new WebhookError('unknown_event_type', `The event type is not one ${providerName} is known to send (strict mode refuses unknown types).`);
  }
  // The first problem goes to onError as the cause, not into the response: its path holds the payload's
  // own key names, and error bodies never echo the payload.
  const first = delivery.event.issues[0];
  const count = delivery.event.issues.length;
  throw new WebhookError('invalid_payload', `The ${delivery.type} payload does not match its schema (${count} ${count === 1 ? 'problem' : 'problems'}).`, {
    cause: first === undefined ? undefined : new Error(`First problem: ${first.path} ${first.message}.`),
  });
}
