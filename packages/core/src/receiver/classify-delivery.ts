import type { InvalidDeliveryEvent, UnknownDeliveryEvent } from '../events/delivery-events.js';
import type { IncomingHeaders } from '../http/webhook-request.js';
import type { ProviderDefinition } from '../providers/provider-definition.js';

/** What a parsed body turned out to be. Valid events are built by the provider; the rest are kept as-is. */
export type ClassifiedDelivery<Event> =
  | { readonly kind: 'event'; readonly event: Event; readonly type: string }
  | { readonly kind: 'unknown'; readonly event: UnknownDeliveryEvent; readonly type: string }
  | { readonly kind: 'invalid'; readonly event: InvalidDeliveryEvent; readonly type: string };

export interface ClassifyInput {
  readonly type: string;
  readonly payload: unknown;
  readonly deliveryKey: string;
  readonly receivedAt: Date;
  readonly headers?: IncomingHeaders;
}

/**
 * Validates a payload against its event type's schema. Used at receipt and again by the store's worker
 * when it rebuilds the event from the stored body, so both paths agree on what an event is.
 */
export function classifyDelivery<Event>(provider: ProviderDefinition<Event>, input: ClassifyInput): ClassifiedDelivery<Event> {
  const { type, payload, deliveryKey, receivedAt } = input;
  const base = { provider: provider.name, type, deliveryKey, receivedAt, payload };
  if (!provider.validator.has(type)) return { kind: 'unknown', event: base, type };
  const result = provider.validator.validate(type, payload);
  if (!result.valid) return { kind: 'invalid', event: { ...base, issues: result.issues }, type };
  return { kind: 'event', event: provider.toEvent(input), type };
}
