import type { InvalidDeliveryEvent, UnknownDeliveryEvent } from '../events/delivery-events.js';
import type { ProviderDefinition } from '../providers/provider-definition.js';
import type { ValidationIssue } from '../validation/schema-validator.js';

/** What a parsed body turned out to be. Valid events are built by the provider; the rest are kept as-is. */
export type ClassifiedDelivery<Event> =
  | { readonly kind: 'event'; readonly event: Event; readonly type: string }
  | { readonly kind: 'unknown'; readonly event: UnknownDeliveryEvent; readonly type: string }
  | { readonly kind: 'invalid'; readonly event: InvalidDeliveryEvent; readonly type: string };

/** What a payload is, before any event is built: `checkDelivery`'s answer. */
export type DeliveryVerdict =
  | { readonly kind: 'event' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'invalid'; readonly issues: readonly ValidationIssue[] };

export interface ClassifyInput {
  readonly type: string;
  readonly payload: unknown;
  readonly deliveryKey: string;
  readonly receivedAt: Date;
  /** The delivery's context (`ProviderDefinition.deliveryContext`), passed to `toEvent`. */
  readonly context?: Readonly<Record<string, string>>;
  /** The delivery's drift, passed to `toEvent`. */
  readonly drift?: unknown;
}

const VALID: DeliveryVerdict = Object.freeze({ kind: 'event' });
const UNKNOWN: DeliveryVerdict = Object.freeze({ kind: 'unknown' });

/**
 * Validates a payload against its event type's schema without building anything: what a receiver with
 * a store needs before it persists and acknowledges (its worker builds the event later, from the
 * stored body).
 */
export function checkDelivery(provider: ProviderDefinition<unknown>, type: string, payload: unknown): DeliveryVerdict {
  if (!provider.validator.has(type)) return UNKNOWN;
  const result = provider.validator.validate(type, payload);
  return result.valid ? VALID : { kind: 'invalid', issues: result.issues };
}

/**
 * Validates a payload against its event type's schema and builds what handlers receive: the provider's
 * typed event, or the unknown or invalid delivery. Used at receipt (without a store) and by the store's
 * worker when it rebuilds the event from the stored body, so both paths agree on what an event is.
 */
export function classifyDelivery<Event>(provider: ProviderDefinition<Event>, input: ClassifyInput): ClassifiedDelivery<Event> {
  const verdict = checkDelivery(provider, input.type, input.payload);
  return verdict.kind === 'event' ? { kind: 'event', event: provider.toEvent(input), type: input.type } : quarantined(provider, input, verdict);
}

/** The delivery handed to `onUnknown` or `onInvalid` handlers for a payload that is not a valid event. */
export function quarantined(
  provider: ProviderDefinition<unknown>,
  input: ClassifyInput,
  verdict: Exclude<DeliveryVerdict, { readonly kind: 'event' }>,
): Exclude<ClassifiedDelivery<never>, { readonly kind: 'event' }> {
  const { type, payload, deliveryKey, receivedAt } = input;
  const event = { provider: provider.name, type, deliveryKey, receivedAt, payload };
  return verdict.kind === 'unknown' ? { kind: 'unknown', event, type } : { kind: 'invalid', event: { ...event, issues: verdict.issues }, type };
}
