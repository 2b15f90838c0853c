import type { ProviderName } from '../events/webhook-event.js';
import type { IncomingHeaders } from '../http/webhook-request.js';
import type { Drift } from '../validation/drift.js';
import type { SchemaValidator } from '../validation/schema-validator.js';

/** What the receiver knows about one delivery when it asks a provider to build the typed event. */
export interface EventContext {
  readonly type: string;
  readonly payload: unknown;
  readonly deliveryKey: string;
  readonly receivedAt: Date;
  /**
   * The header values the provider's event needs (`ProviderDefinition.deliveryContext`), taken at
   * receipt and stored with the delivery, so the worker rebuilds exactly the event the no-store path
   * builds. Absent when the provider needs none.
   */
  readonly context?: Readonly<Record<string, string>>;
  /** How the payload differs from the published schema, computed once at receipt. */
  readonly drift?: Drift;
}

/**
 * Everything provider-specific except authentication (which is configured per receiver): how to find
 * the event type, the schemas, the delivery key and how a valid payload becomes a typed event.
 * `Event` is the union of the provider's typed events.
 */
export interface ProviderDefinition<Event> {
  readonly name: ProviderName;
  /** Validates payloads by event type; `validator.has(type)` tells known types from unknown ones. */
  readonly validator: SchemaValidator;
  /**
   * The event type of a parsed body, or `undefined` when the body lacks the provider's envelope
   * (answered 400 `invalid_envelope`).
   */
  eventTypeOf(payload: unknown): string | undefined;
  /**
   * Identifies a delivery across retries: a header the provider repeats on each retry, else a hash of
   * the decoded body.
   */
  deliveryKey(headers: IncomingHeaders, decodedBody: Buffer): string;
  /**
   * The header values this provider's events need (Terra: `terra-reference`, `x-terra-trace-id`,
   * the clamped `x-terra-ordering-timestamp`), as a small string map the receiver stores with the
   * delivery and passes back as `EventContext.context`; `undefined` when it needs none.
   */
  deliveryContext(headers: IncomingHeaders): Readonly<Record<string, string>> | undefined;
  /** Builds the typed event of a payload that passed the gate. */
  toEvent(context: EventContext): Event;
  /**
   * A few small deliveries of the provider's commonest event types, as they arrive (headers and
   * body, unsigned), that pass the gate and conform. When present, the first receiver of the provider
   * in a process runs them through the pipeline once, in an idle moment (`scheduleWarmUp`), so V8's
   * first runs of the code they reach happen outside a delivery's deadline; that calls this
   * definition's `eventTypeOf`, `deliveryKey`, `validator` and `toEvent` on them (never a handler or a
   * store). Optional: without it there is no warm-up.
   */
  warmUpDeliveries?(): readonly WarmUpDelivery[];
}

/** One unsigned sample delivery for the warm-up. */
export interface WarmUpDelivery {
  readonly headers: IncomingHeaders;
  readonly body: Buffer;
}
