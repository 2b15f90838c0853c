import type { ProviderName, RecordRef } from '../events/webhook-event.js';

/**
 * Where a delivery is in its life:
 * - `pending`: waiting for (or in) dispatch; `nextAttemptAt` says when it is due.
 * - `quarantined`: kept with its validation `issues` (unknown event type or schema failure); the worker
 *   never dispatches it unless an operator requeues it.
 * - `completed`: dispatched successfully.
 * - `dead`: dispatch failed too often; waits for an operator to requeue it.
 */
export type DeliveryState = 'pending' | 'quarantined' | 'completed' | 'dead';

/** A delivery as the receiver hands it to the store, after authentication and validation. */
export interface NewDelivery {
  readonly provider: ProviderName;
  /** Identifies the delivery across the provider's retries; unique per provider. */
  readonly deliveryKey: string;
  readonly eventType: string;
  readonly state: 'pending' | 'quarantined';
  /** The decoded JSON text, exactly as received (never re-serialised). */
  readonly body: string;
  readonly receivedAt: Date;
  /** Why a quarantined delivery was quarantined (e.g. schema errors); stored as JSON. */
  readonly issues?: unknown;
}

/** A delivery as the store holds it. Dates have millisecond precision. */
export interface StoredDelivery {
  /** The store's own id, used by `complete`, `fail`, `release` and `requeue`. */
  readonly id: string;
  readonly provider: ProviderName;
  readonly deliveryKey: string;
  readonly eventType: string;
  readonly state: DeliveryState;
  readonly body: string;
  readonly receivedAt: Date;
  /** `undefined` when the delivery was stored without issues. */
  readonly issues: unknown;
  /** How many times the delivery has been claimed (a released claim does not count). */
  readonly attempts: number;
  /** When a pending delivery is next due. */
  readonly nextAttemptAt: Date;
  /** The message of the last failed attempt. */
  readonly lastError: string | undefined;
  readonly leaseOwner: string | undefined;
  readonly leaseUntil: Date | undefined;
  /** When the delivery became `completed` or `dead`. */
  readonly finishedAt: Date | undefined;
}

/** A delivery leased to one worker: nobody else claims it until `leaseUntil`. */
export interface ClaimedDelivery extends StoredDelivery {
  readonly state: 'pending';
  readonly leaseOwner: string;
  readonly leaseUntil: Date;
}

export interface ClaimOptions {
  /** Identifies the claiming worker; `complete`, `fail` and `release` must pass the same id. */
  readonly workerId: string;
  /** How long the lease lasts. A worker that has not finished by then may see the delivery reclaimed. */
  readonly leaseMs: number;
  /** At most this many deliveries. */
  readonly limit: number;
  /** The claiming worker's clock; defaults to now. */
  readonly now?: Date;
  /**
   * Only deliveries of these providers. Receivers of several providers may share one store; each
   * provider's worker claims only what it can dispatch. Default: every provider.
   */
  readonly providers?: readonly ProviderName[];
}

/** What to do with a delivery whose dispatch failed: try again at `retryAt`, or give up. */
export type FailOutcome = { readonly retryAt: Date } | { readonly dead: true };

/** One record as the store keeps it: the winning version of its natural key. */
export interface StoredRecord {
  readonly provider: ProviderName;
  readonly kind: string;
  readonly userId: string;
  readonly key: string;
  readonly version: number | undefined;
  readonly data: unknown;
  /** `receivedAt` of the delivery that wrote the stored version. */
  readonly receivedAt: Date;
  /** 1 when first stored; grows by one each time a newer version replaces the stored one. */
  readonly revision: number;
  readonly updatedAt: Date;
}

export interface UpsertRecordsOptions {
  /**
   * When the delivery carrying the records was received (pass the delivery's `receivedAt`; defaults to
   * now). It orders versions of records that carry no `version`, so a redelivered older delivery never
   * overwrites a newer one, and replaying a delivery is a no-op.
   */
  readonly receivedAt?: Date;
}

/** Deliveries whose key has been kept at least this long are purged by default (7 days). */
export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * The durable inbox and record table behind a receiver. One small interface with three
 * implementations (memory, SQLite, PostgreSQL) that pass the same contract tests.
 *
 * Every method rejects with `StoreUnavailableError` when the store cannot be reached or cannot write
 * (connection down, disk full, locked beyond its busy timeout, closed); the receiver answers 503 so the
 * provider retries. Worker methods (`complete`, `fail`, `release`) resolve `false` when the worker no
 * longer holds the lease (it expired and another worker claimed the delivery, or it was released).
 *
 * Record versions: a record with a numeric `version` replaces a stored one only when its version is
 * strictly larger, and always replaces one stored without a version. A record without a version never
 * replaces one with a version; between two versionless records, the one from the later-received
 * delivery wins. Equal rank is a no-op, so replaying an upsert changes nothing (`applied: 0`): that makes
 * record effects exactly-once under at-least-once dispatch. Within one call, records with the same
 * identity are reduced to their winner first (on a tie, the later one in the array).
 */
export interface WebhookStore {
  /**
   * Stores the delivery unless one with the same (provider, deliveryKey) exists. Resolves only once
   * the delivery is committed durably; `inserted: false` means a duplicate (nothing changed).
   */
  putIfAbsent(delivery: NewDelivery): Promise<{ inserted: boolean }>;
  /**
   * Leases up to `limit` pending deliveries that are due and whose lease is free or expired, oldest due
   * first, and counts the attempt. Safe to call from many workers and processes at once: a delivery is
   * leased to one worker at a time.
   */
  claim(options: ClaimOptions): Promise<ClaimedDelivery[]>;
  /** Marks a leased delivery completed. */
  complete(id: string, workerId: string, options?: { readonly now?: Date }): Promise<boolean>;
  /** Records a failed attempt: due again at `retryAt`, or `dead`. */
  fail(
    id: string,
    workerId: string,
    outcome: FailOutcome,
    error: string,
    options?: { readonly now?: Date },
  ): Promise<boolean>;
  /** Gives the lease back without counting the attempt (graceful shutdown); due again at once. */
  release(id: string, workerId: string): Promise<boolean>;
  /** Dead deliveries, oldest first. */
  listDead(options: { readonly limit: number }): Promise<StoredDelivery[]>;
  /**
   * Makes dead or quarantined deliveries pending again, due at `now`, with their attempt count reset.
   * Other ids are ignored.
   */
  requeue(ids: readonly string[], options?: { readonly now?: Date }): Promise<{ requeued: number }>;
  /**
   * Deletes completed and dead deliveries received before `olderThan` (default: `now` minus
   * `DEFAULT_RETENTION_MS`). Until then their keys still mark retries as duplicates. Pending and
   * quarantined deliveries are never purged.
   */
  purge(options?: { readonly olderThan?: Date; readonly now?: Date }): Promise<{ purged: number }>;
  get(provider: ProviderName, deliveryKey: string): Promise<StoredDelivery | undefined>;
  /** Keeps the winning version of each record (rules above); `applied` counts replacements. */
  upsertRecords(
    provider: ProviderName,
    records: readonly RecordRef[],
    options?: UpsertRecordsOptions,
  ): Promise<{ applied: number }>;
  /** The stored records of one user, ordered by kind then key. */
  getRecords(query: {
    readonly provider: ProviderName;
    readonly userId: string;
    readonly kind?: string;
  }): Promise<StoredRecord[]>;
  /** Releases connections and files. Idempotent; afterwards every method rejects. */
  close(): Promise<void>;
}
