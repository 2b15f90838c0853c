import type { Drift, ValidationIssue } from '../validation/drift.js';
import type { ProviderName } from './webhook-event.js';

/**
 * A delivery whose event type the provider is not known to send. It was acknowledged (unless the
 * receiver is strict) and, with a store, kept as quarantined.
 */
export interface UnknownDeliveryEvent {
  readonly provider: ProviderName;
  readonly type: string;
  readonly deliveryKey: string;
  readonly receivedAt: Date;
  readonly payload: unknown;
}

/** A delivery of a known event type whose payload failed that type's gate. */
export interface InvalidDeliveryEvent extends UnknownDeliveryEvent {
  /** The gate's first failure (the gate stops there). */
  readonly issues: readonly ValidationIssue[];
}

/**
 * Reported to `onDrift` subscribers: a typed event was delivered whose payload differs from the
 * provider's published schema. Once per delivery (at receipt, not again when a worker dispatches it).
 */
export interface DriftEvent {
  readonly provider: ProviderName;
  readonly type: string;
  readonly deliveryKey: string;
  readonly receivedAt: Date;
  readonly drift: Drift;
}

/** Where in the life of a delivery an error happened. */
export type ErrorPhase = 'request' | 'handler' | 'dispatch';

/**
 * Reported to `onError` handlers: refused requests (`request`, with the WebhookError), handler
 * failures (`handler`) and store or worker failures (`dispatch`).
 */
export interface ErrorEvent {
  readonly provider: ProviderName;
  readonly phase: ErrorPhase;
  readonly error: unknown;
  readonly deliveryKey?: string;
  readonly eventType?: string;
}
