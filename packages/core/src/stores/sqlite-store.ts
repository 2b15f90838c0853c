import type { ProviderName, RecordRef } from '../events/webhook-event.js';
import { prepareRecords, type PreparedRecord } from './record-versioning.js';
import {
  inWriteTransaction,
  loadSqliteDriver,
  type SqliteDatabase,
  type SqliteDriverName,
  type SqliteRow,
} from './sqlite-driver.js';
import { migrateSqlite, SchemaVersionError } from './sqlite-migrations.js';
import { StoreUnavailableError } from './store-unavailable-error.js';
import {
  DEFAULT_RETENTION_MS,
  type ClaimedDelivery,
  type ClaimOptions,
  type DeliveryState,
  type FailOutcome,
  type NewDelivery,
  type StoredDelivery,
  type StoredRecord,
  type UpsertRecordsOptions,
  type WebhookStore,
} from './webhook-store.js';

export interface SqliteStoreOptions {
  /** The database file (created if missing; its directory must exist). */
  readonly filename: string;
  /**
   * How long a write waits for another connection's lock before failing with `StoreUnavailableError`.
   * The drivers are synchronous, so the wait blocks the event loop: keep it well under the providers'
   * ack deadlines (Thryve: 2 s). Default 1000 ms.
   */
  readonly busyTimeoutMs?: number;
  /** `auto` (default) uses `node:sqlite` when the running Node has it, else `@photostructure/sqlite`. */
  readonly driver?: SqliteDriverName | 'auto';
}

/** A `WebhookStore` in one SQLite file. */
export interface SqliteStore extends WebhookStore {
  /** The binding in use, for diagnostics. */
  readonly driver: SqliteDriverName;
}

const DEFAULT_BUSY_TIMEOUT_MS = 1000;

/**
 * Opens (and migrates) the embedded durable store: one SQLite file in WAL mode with
 * `synchronous = FULL`, so a delivery is fsync'd before `putIfAbsent` resolves. Several processes may
 * share the file; claims are atomic single statements. For many app instances on many hosts, use
 * PostgreSQL (`@wearhook/store-postgres`).
 */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const driver = await loadSqliteDriver(options.driver ?? 'auto');
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new RangeError('busyTimeoutMs must be a non-negative integer.');
  }
  let db: SqliteDatabase | undefined;
  try {
    db = driver.open(options.filename);
    // busy_timeout first, so switching to WAL waits for other connections too.
    db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    migrateSqlite(db);
    return openStore(db, driver.name);
  } catch (error) {
    db?.close();
    if (error instanceof SchemaVersionError) throw error;
    throw new StoreUnavailableError(`Could not open the SQLite store at ${options.filename}.`, { cause: error });
  }
}

function openStore(db: SqliteDatabase, driver: SqliteDriverName): SqliteStore {
  const sql = statements(db);
  let closed = false;

  /** Runs database work; every driver error means the store cannot serve right now. */
  const guard = <T>(operation: string, work: () => T): Promise<T> => {
    if (closed) return Promise.reject(new StoreUnavailableError('The webhook store is closed.'));
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(new StoreUnavailableError(`The SQLite store could not ${operation}.`, { cause: error }));
    }
  };
  const changed = (result: { changes: number | bigint }): boolean => Number(result.changes) > 0;

  return {
    driver,

    putIfAbsent: (delivery: NewDelivery) =>
      guard('persist the delivery', () => {
        const receivedAt = delivery.receivedAt.getTime();
        const result = sql.insertDelivery.run({
          provider: delivery.provider,
          delivery_key: delivery.deliveryKey,
          event_type: delivery.eventType,
          state: delivery.state,
          body: delivery.body,
          issues: delivery.issues === undefined ? null : JSON.stringify(delivery.issues),
          received_at: receivedAt,
          next_attempt_at: receivedAt,
        });
        return { inserted: changed(result) };
      }),

    claim: ({ workerId, leaseMs, limit, now = new Date(), providers }: ClaimOptions) =>
      guard('claim deliveries', () => {
        if (limit <= 0) return [];
        const rows = sql.claim.all({
          now: now.getTime(),
          lease_until: now.getTime() + leaseMs,
          worker: workerId,
          limit,
          // A ",a,b," list matched with instr: one prepared statement for any set of providers.
          providers: providers === undefined ? null : `,${providers.join(',')},`,
        });
        // RETURNING gives no order guarantee.
        return rows
          .map((row) => toDelivery(row) as ClaimedDelivery)
          .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || Number(a.id) - Number(b.id));
      }),

    complete: (id: string, workerId: string, options?: { readonly now?: Date }) =>
      guard('complete the delivery', () =>
        changed(sql.finish.run({ id: rowId(id), worker: workerId, state: 'completed', error: null, now: nowMs(options) })),
      ),

    fail: (id: string, workerId: string, outcome: FailOutcome, error: string, options?: { readonly now?: Date }) =>
      guard('record the failed attempt', () =>
        'dead' in outcome
          ? changed(sql.finish.run({ id: rowId(id), worker: workerId, state: 'dead', error, now: nowMs(options) }))
          : changed(sql.retry.run({ id: rowId(id), worker: workerId, retry_at: outcome.retryAt.getTime(), error })),
      ),

    release: (id: string, workerId: string) =>
      guard('release the lease', () => changed(sql.release.run({ id: rowId(id), worker: workerId }))),

    listDead: ({ limit }: { readonly limit: number }) =>
      guard('list dead deliveries', () => sql.listDead.all({ limit: Math.max(0, limit) }).map(toDelivery)),

    requeue: (ids: readonly string[], options?: { readonly now?: Date }) =>
      guard('requeue deliveries', () =>
        inWriteTransaction(db, () => {
          let requeued = 0;
          for (const id of new Set(ids)) {
            if (changed(sql.requeue.run({ id: rowId(id), now: nowMs(options) }))) requeued += 1;
          }
          return { requeued };
        }),
      ),

    purge: (options?: { readonly olderThan?: Date; readonly now?: Date }) =>
      guard('purge deliveries', () => {
        const cutoff = options?.olderThan?.getTime() ?? nowMs(options) - DEFAULT_RETENTION_MS;
        return { purged: Number(sql.purge.run({ cutoff }).changes) };
      }),

    get: (provider: ProviderName, deliveryKey: string) =>
      guard('read the delivery', () => {
        const row = sql.getDelivery.get({ provider, delivery_key: deliveryKey });
        return row === undefined ? undefined : toDelivery(row);
      }),

    upsertRecords: (provider: ProviderName, records: readonly RecordRef[], options?: UpsertRecordsOptions) => {
      let prepared: PreparedRecord[];
      try {
        prepared = prepareRecords(records);
      } catch (error) {
        return Promise.reject(error);
      }
      return guard('write records', () => {
        const receivedAt = (options?.receivedAt ?? new Date()).getTime();
        const updatedAt = Date.now();
        return inWriteTransaction(db, () => {
          let applied = 0;
          for (const record of prepared) {
            const result = sql.upsertRecord.run({
              provider,
              user_id: record.userId,
              kind: record.kind,
              key: record.key,
              version: record.version ?? null,
              data: record.dataJson,
              received_at: receivedAt,
              updated_at: updatedAt,
            });
            if (changed(result)) applied += 1;
          }
          return { applied };
        });
      });
    },

    getRecords: (query: { readonly provider: ProviderName; readonly userId: string; readonly kind?: string }) =>
      guard('read records', () => {
        const rows =
          query.kind === undefined
            ? sql.recordsOfUser.all({ provider: query.provider, user_id: query.userId })
            : sql.recordsOfKind.all({ provider: query.provider, user_id: query.userId, kind: query.kind });
        return rows.map(toRecord);
      }),

    close: () => {
      if (!closed) {
        closed = true;
        db.close();
      }
      return Promise.resolve();
    },
  };
}

function statements(db: SqliteDatabase) {
  const leasedBy = `id = $id AND state = 'pending' AND lease_owner = $worker`;
  return {
    insertDelivery: db.prepare(`
      INSERT INTO wearhook_deliveries
        (provider, delivery_key, event_type, state, body, issues, received_at, next_attempt_at)
      VALUES ($provider, $delivery_key, $event_type, $state, $body, $issues, $received_at, $next_attempt_at)
      ON CONFLICT (provider, delivery_key) DO NOTHING`),
    // One statement, so the write lock makes the claim exclusive across connections and processes.
    claim: db.prepare(`
      UPDATE wearhook_deliveries
      SET lease_owner = $worker, lease_until = $lease_until, attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM wearhook_deliveries
        WHERE state = 'pending' AND next_attempt_at <= $now AND (lease_until IS NULL OR lease_until <= $now)
          AND ($providers IS NULL OR instr($providers, ',' || provider || ',') > 0)
        ORDER BY next_attempt_at, id
        LIMIT $limit)
      RETURNING *`),
    finish: db.prepare(`
      UPDATE wearhook_deliveries
      SET state = $state, last_error = coalesce($error, last_error), finished_at = $now,
          lease_owner = NULL, lease_until = NULL
      WHERE ${leasedBy}`),
    retry: db.prepare(`
      UPDATE wearhook_deliveries
      SET next_attempt_at = $retry_at, last_error = $error, lease_owner = NULL, lease_until = NULL
      WHERE ${leasedBy}`),
    release: db.prepare(`
      UPDATE wearhook_deliveries
      SET lease_owner = NULL, lease_until = NULL, attempts = max(attempts - 1, 0)
      WHERE ${leasedBy}`),
    listDead: db.prepare(`SELECT * FROM wearhook_deliveries WHERE state = 'dead' ORDER BY id LIMIT $limit`),
    requeue: db.prepare(`
      UPDATE wearhook_deliveries
      SET state = 'pending', attempts = 0, next_attempt_at = $now, lease_owner = NULL, lease_until = NULL,
          finished_at = NULL
      WHERE id = $id AND state IN ('dead', 'quarantined')`),
    purge: db.prepare(`
      DELETE FROM wearhook_deliveries WHERE state IN ('completed', 'dead') AND received_at < $cutoff`),
    getDelivery: db.prepare(
      `SELECT * FROM wearhook_deliveries WHERE provider = $provider AND delivery_key = $delivery_key`,
    ),
    // The WHERE clause is `outranks` from record-versioning.ts; keep the two in step.
    upsertRecord: db.prepare(`
      INSERT INTO wearhook_records (provider, user_id, kind, key, version, data, received_at, revision, updated_at)
      VALUES ($provider, $user_id, $kind, $key, $version, $data, $received_at, 1, $updated_at)
      ON CONFLICT (provider, user_id, kind, key) DO UPDATE SET
        version = excluded.version, data = excluded.data, received_at = excluded.received_at,
        revision = revision + 1, updated_at = excluded.updated_at
      WHERE (excluded.version IS NOT NULL AND (version IS NULL OR excluded.version > version))
         OR (excluded.version IS NULL AND version IS NULL AND excluded.received_at > received_at)`),
    recordsOfUser: db.prepare(`
      SELECT * FROM wearhook_records WHERE provider = $provider AND user_id = $user_id ORDER BY kind, key`),
    recordsOfKind: db.prepare(`
      SELECT * FROM wearhook_records WHERE provider = $provider AND user_id = $user_id AND kind = $kind
      ORDER BY key`),
  };
}

function nowMs(options: { readonly now?: Date } | undefined): number {
  return (options?.now ?? new Date()).getTime();
}

/** Ids are the rowid as a string; anything else matches no row. */
function rowId(id: string): number {
  return /^[1-9]\d{0,15}$/.test(id) ? Number(id) : -1;
}

function toDelivery(row: SqliteRow): StoredDelivery {
  return {
    id: String(row.id),
    provider: row.provider as ProviderName,
    deliveryKey: row.delivery_key as string,
    eventType: row.event_type as string,
    state: row.state as DeliveryState,
    body: row.body as string,
    receivedAt: new Date(Number(row.received_at)),
    issues: row.issues === null ? undefined : JSON.parse(row.issues as string),
    attempts: Number(row.attempts),
    nextAttemptAt: new Date(Number(row.next_attempt_at)),
    lastError: (row.last_error as string | null) ?? undefined,
    leaseOwner: (row.lease_owner as string | null) ?? undefined,
    leaseUntil: optionalDate(row.lease_until),
    finishedAt: optionalDate(row.finished_at),
  };
}

function toRecord(row: SqliteRow): StoredRecord {
  return {
    provider: row.provider as ProviderName,
    kind: row.kind as string,
    userId: row.user_id as string,
    key: row.key as string,
    version: row.version === null ? undefined : Number(row.version),
    data: JSON.parse(row.data as string),
    receivedAt: new Date(Number(row.received_at)),
    revision: Number(row.revision),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

function optionalDate(value: unknown): Date | undefined {
  return value === null || value === undefined ? undefined : new Date(Number(value));
}
