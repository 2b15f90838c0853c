import type { ProviderName } from '../events/webhook-event.js';
import type { IncomingHeaders } from '../http/webhook-request.js';
import type { SchemaValidator } from '../validation/schema-validator.js';

/** What the receiver knows about one delivery when it asks a provider to build the typed event. */
export interface EventContext {
  readonly type: string;
  readonly payload: unknown;
  readonly deliveryKey: string;
  readonly receivedAt: Date;
  /**
   * The header values the provider's event needs (`ProviderDefinition.deliveryContext`), taken at
   * receipt and stored with the delivery, so an event built later by a store's worker is the one the
   * no-store path builds.
   */
  readonly context?: Readonly<Record<string, string>>;
  /** Advisory schema drift found at receipt (issue 9), carried to the event; `undefined` when none. */
  readonly drift?: unknown;
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
   * The few header values the provider's event needs (e.g. Terra's `terra-reference`), or `undefined`
   * when it needs none. Kept small: it is stored with every delivery.
   */
  deliveryContext(headers: IncomingHeaders): Readonly<Record<string, string>> | undefined;
  /** Builds the typed event of a payload that passed its schema. */
  toEvent(context: EventContext): Event;
}
