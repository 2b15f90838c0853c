import type { Drift } from '../validation/drift.js';

export type ProviderName = 'thryve' | 'terra' | 'vital';

/**
 * One record a delivery carries, identified by the provider's natural key. Stores keep the newest
 * version of each record; `version` decides which is newer, never arrival order.
 */
export interface RecordRef {
  /** What kind of record, e.g. `thryve.epoch`, `terra.sleep`, `vital.timeseries.heartrate`. */
  readonly kind: string;
  /** The provider's user id the record belongs to. */
  readonly userId: string;
  /** The natural key within (provider, kind, userId): the identity tuple joined into one string. */
  readonly key: string;
  /**
   * Orders versions of the same record; the larger wins. A number (epoch milliseconds of the payload's
   * own creation or update time) or `undefined` when the payload carries none (then the later
   * delivery wins).
   */
  readonly version: number | undefined;
  /** The record's own JSON as received. */
  readonly data: unknown;
}

/** What every event has, whatever the provider. */
export interface WebhookEventBase<P extends ProviderName, T extends string, Payload> {
  readonly provider: P;
  /** The provider-native event type, e.g. `event.data.epoch.create`. */
  readonly type: T;
  /** Identifies the delivery across the provider's retries. */
  readonly deliveryKey: string;
  readonly receivedAt: Date;
  /**
   * The parsed JSON as received. Its type is generated from the provider's spec and widened to what
   * the gate guarantees: see packages/core/VALIDATION.md.
   */
  readonly payload: Payload;
  /**
   * How the payload differs from the provider's published schema (advisory), or `undefined` when it
   * conforms. The same on every dispatch of one delivery: computed once at receipt and stored.
   */
  readonly drift: Drift | undefined;
  /**
   * The records this delivery creates or updates, with their natural keys. On events that carry records
   * this is computed on first access and then kept, so a handler that never reads it does not pay for
   * it; it is then a getter rather than an own property (`JSON.stringify(event)` and `console.log`
   * include it, `Object.keys` and `{ ...event }` do not; see `LazyEvent`).
   */
  readonly records: readonly RecordRef[];
}
