import type { InvalidDeliveryEvent, UnknownDeliveryEvent } from '../events/delivery-events.js';
import type { ProviderDefinition } from '../providers/provider-definition.js';
import type { Drift, ValidationIssue } from '../validation/drift.js';

/** What a parsed body turned out to be. Valid events are built by the provider; the rest are kept as-is. */
export type ClassifiedDelivery<Event> =
  | { readonly kind: 'event'; readonly event: Event; readonly type: string; readonly drift: Drift | undefined }
  | { readonly kind: 'unknown'; readonly event: UnknownDeliveryEvent; readonly type: string }
  | { readonly kind: 'invalid'; readonly event: InvalidDeliveryEvent; readonly type: string };

/**
 * What a payload is, before any event is built: `checkDelivery`'s answer. `event` passed the gate
 * (with the drift from the published schema, if any); `invalid` failed it; `unknown` is a type the
 * provider has no gate for.
 */
export type DeliveryVerdict =
  | { readonly kind: 'event'; readonly drift: Drift | undefined }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'invalid'; readonly issues: readonly ValidationIssue[] };

export interface ClassifyInput {
  readonly type: string;
  readonly payload: unknown;
  readonly deliveryKey: string;
  readonly receivedAt: Date;
  /** The provider's `deliveryContext(headers)`, taken at receipt (stored with the delivery). */
  readonly context?: Readonly<Record<string, string>>;
}

const UNKNOWN: DeliveryVerdict = Object.freeze({ kind: 'unknown' });

/**
 * Whether strict mode refuses this verdict with 422: only gate failures and unknown types. Never drift:
 * Terra probes endpoints with health checks and Thryve disables a webhook after repeated failures, so
 * refusing a delivery for a field wearhook does not read would cost every later delivery too.
 */
export function refusedInStrictMode(verdict: DeliveryVerdict): boolean {
  return verdict.kind !== 'event';
}

/**
 * Runs the gate and (when it passes) conformance, without building anything: what a receiver with a
 * store needs before it persists and acknowledges. Its `drift` is stored with the delivery and passed
 * back to `classifyDelivery` by the worker, so conformance runs once per delivery.
 */
export function checkDelivery(provider: ProviderDefinition<unknown>, type: string, payload: unknown): DeliveryVerdict {
  if (!provider.validator.has(type)) return UNKNOWN;
  const result = provider.validator.validate(type, payload);
  return result.valid ? { kind: 'event', drift: result.drift } : { kind: 'invalid', issues: result.issues };
}

/**
 * Builds what handlers receive from a payload and its verdict: the provider's typed event (carrying
 * `drift`), or the unknown or invalid delivery. Used at receipt (without a store, with the verdict just
 * computed) and by the store's worker (with the verdict rebuilt from the stored drift and quarantine
 * state, see `storedVerdict`), so both paths build the same event from the same body and context.
 */
export function classifyDelivery<Event>(
  provider: ProviderDefinition<Event>,
  input: ClassifyInput,
  verdict: DeliveryVerdict = checkDelivery(provider, input.type, input.payload),
): ClassifiedDelivery<Event> {
  if (verdict.kind !== 'event') return quarantined(provider, input, verdict);
  const { type, payload, deliveryKey, receivedAt, context } = input;
  const event = provider.toEvent({ type, payload, deliveryKey, receivedAt, context, drift: verdict.drift });
  return { kind: 'event', event, type, drift: verdict.drift };
}

/**
 * The verdict of a delivery a store kept as accepted (not quarantined): its stored drift, without
 * validating again. A worker passes this to `classifyDelivery`.
 */
export function storedVerdict(drift: Drift | undefined): DeliveryVerdict {
  return { kind: 'event', drift };
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
