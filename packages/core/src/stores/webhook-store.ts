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
  /**
   * The few header values the provider's event needs when it is rebuilt later (Terra's reference,
   * trace id and ordering timestamp), so the worker builds the same event as the no-store path.
   * Small: a handful of short strings.
   */
  readonly context?: Readonly<Record<string, string>>;
  /**
   * Advisory schema drift computed once at receipt (a bounded list; see issue 9), stored as JSON so a
   * delivery dispatched later or reclaimed after a crash carries the same drift.
   */
  readonly drift?: unknown;
  /**
   * In-process dispatch: lease the new delivery to this worker in the same write that inserts it, so
   * the process that persisted it dispatches it without a claim round trip. The lease counts as the
   * first attempt. If the process dies, another worker reclaims it when the lease expires.
   */
  readonly lease?: { readonly workerId: string; readonly leaseMs: number };
}

/** What `putIfAbsent` did: `id` is the new delivery's store id (for `complete`, `fail`, `renew`, ...). */
export type PutResult = { readonly inserted: true; readonly id: string } | { readonly inserted: false };

/** A delivery as the store holds it. Dates have millisecond precision. */
export interface StoredDelivery {
  /** The store's own id, used by `complete`, `fail`, `release` and `requeue`. */
  readonly id: string;
  readonly provider: ProviderName;
  readonly deliveryKey: string;
  readonly eventType: string;
  readonly state: DeliveryState;
  /**
   * The decoded JSON text; `undefined` once the body of a completed delivery has been dropped after
   * `bodyRetentionMs` (its key is kept until the retention window ends, to recognise retries).
   */
  readonly body: string | undefined;
  readonly receivedAt: Date;
  /** `undefined` when the delivery was stored without issues. */
  readonly issues: unknown;
  /** The header values stored with the delivery (`NewDelivery.context`); `undefined` when none. */
  readonly context: Readonly<Record<string, string>> | undefined;
  /** The drift stored with the delivery (`NewDelivery.drift`); `undefined` when none. */
  readonly drift: unknown;
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
  /** A pending delivery always has its body (bodies are only dropped from completed deliveries). */
  readonly body: string;
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

/** Completed deliveries keep their body this long by default (24 h); their key stays for `DEFAULT_RETENTION_MS`. */
export const DEFAULT_BODY_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface PurgeOptions {
  /**
   * Completed, dead and quarantined deliveries received before this are deleted (default: `now` minus
   * `DEFAULT_RETENTION_MS`). Until then their keys still mark retries as duplicates.
   */
  readonly olderThan?: Date;
  /**
   * Completed deliveries received before this keep their row (and key) but lose their body (default:
   * `now` minus `DEFAULT_BODY_RETENTION_MS`). Dead and quarantined deliveries keep their bodies until
   * `olderThan`, since requeue needs them.
   */
  readonly bodiesOlderThan?: Date;
  /** At most this many rows deleted or emptied per call, so a purge never stalls the process. Default 1000. */
  readonly limit?: number;
  readonly now?: Date;
}

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
 *
 * Group commit: writes issued in the same event-loop turn (by any receiver or worker of the process)
 * share one transaction and one fsync, up to a maximum batch size, with no timer adding latency. Each
 * promise resolves only after the commit holding its write; a failed commit rejects every write in it,
 * and one write the database refuses (a constraint, say) rejects alone, not the rest of its batch.
 * Durable stores do their blocking work off the event loop, so no call stalls it for more than a few
 * milliseconds, even while another connection holds the write lock.
 */
export interface WebhookStore {
  /**
   * Stores the delivery unless one with the same (provider, deliveryKey) exists. Resolves only once
   * the delivery is committed durably; `inserted: false` means a duplicate (nothing changed).
   */
  putIfAbsent(delivery: NewDelivery): Promise<PutResult>;
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
  /**
   * Extends the leases this worker still holds to `now + leaseMs` (a handler is still running). Resolves
   * the ids whose lease was extended; the others were lost (expired and reclaimed, or released).
   */
  renew(ids: readonly string[], workerId: string, leaseMs: number, options?: { readonly now?: Date }): Promise<string[]>;
  /** Dead deliveries, oldest first. */
  listDead(options: { readonly limit: number }): Promise<StoredDelivery[]>;
  /**
   * Makes dead or quarantined deliveries pending again, due at `now`, with their attempt count reset.
   * Other ids are ignored.
   */
  requeue(ids: readonly string[], options?: { readonly now?: Date }): Promise<{ requeued: number }>;
  /**
   * One bounded step of retention (see `PurgeOptions`): deletes old completed, dead and quarantined
   * deliveries and drops the bodies of completed ones past their body retention. Pending deliveries are
   * never purged. Call again while `purged + bodiesDropped` equals the limit.
   */
  purge(options?: PurgeOptions): Promise<{ purged: number; bodiesDropped: number }>;
  get(provider: ProviderName, deliveryKey: string): Promise<StoredDelivery | undefined>;
  /** Keeps the winning version of each record (rules above); `applied` counts replacements. */
  upsertRecords(
    provider: ProviderName,
    records: readonly RecordRef[],
    options?: UpsertRecordsOptions,
  ): Promise<{ applied: number }>;
  /** The stored records of one user, ordered by kind then key (receivers write them only with `storeRecords: true`). */
  getRecords(query: {
    readonly provider: ProviderName;
    readonly userId: string;
    readonly kind?: string;
  }): Promise<StoredRecord[]>;
  /** Releases connections and files. Idempotent; afterwards every method rejects. */
  close(): Promise<void>;
}
