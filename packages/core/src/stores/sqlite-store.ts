import { realpathSync } from 'node:fs';
import type { ProviderName, RecordRef } from '../events/webhook-event.js';
import { newDeliveryRow } from './delivery-row.js';
import { prepareRecords, type PreparedRecord } from './record-versioning.js';
import {
  loadSqliteDriver,
  type SqliteDatabase,
  type SqliteDriverName,
  type SqliteRow,
  type SqliteStatement,
} from './sqlite-driver.js';
import { SQLITE_STATEMENTS, type SqliteStatementName } from './sqlite-statements.js';
import { migrateSqlite, SchemaVersionError } from './sqlite-migrations.js';
import { offloadDurability, type OffloadedDurability } from './sqlite-durability.js';
import { isBusy, SqliteGroupCommit, type SqliteGroupCommitOptions } from './sqlite-group-commit.js';
import { StoreUnavailableError } from './store-unavailable-error.js';
import { isStorableLabel, isStorableRecordsQuery, unstorableLabel } from './storable-labels.js';
import { commitFaultFromEnvironment } from './test-faults.js';
import {
  DEFAULT_BODY_RETENTION_MS,
  DEFAULT_RETENTION_MS,
  type ClaimedDelivery,
  type ClaimOptions,
  type DeliveryState,
  type FailOutcome,
  type NewDelivery,
  type PurgeOptions,
  type PutResult,
  type StoredDelivery,
  type StoredRecord,
  type UpsertRecordsOptions,
  type WebhookStore,
} from './webhook-store.js';

export interface SqliteStoreOptions {
  /** The database file (created if missing; its directory must exist). */
  readonly filename: string;
  /**
   * How long a call waits for another connection's write lock before failing with
   * `StoreUnavailableError`. The wait never blocks the event loop (the store retries on a short timer),
   * but the delivery's response waits: keep it under the providers' ack deadlines (Thryve: 2 s).
   * Default 1500 ms.
   */
  readonly busyTimeoutMs?: number;
  /** At most this many writes share one transaction (group commit). Default 128. */
  readonly maxBatch?: number;
  /** `auto` (default) uses `node:sqlite` when the running Node has it, else `@photostructure/sqlite`. */
  readonly driver?: SqliteDriverName | 'auto';
  /**
   * The size the write-ahead log (the `-wal` file beside the database) is held near. Past it, the
   * background checkpoint empties the file, holding writes off for the few milliseconds it takes to copy
   * what the regular checkpoints have not copied yet. Without it, writes that never pause grow the file
   * for as long as they last (it reached 322 MB in a test). A small limit empties it often, each time
   * holding writes off briefly. Default 64 MiB.
   */
  readonly walSizeLimitBytes?: number;
  /**
   * How long opening waits for another connection that holds the file's write lock (another process
   * migrating a large file, say: 11.6 s for 200,000 rows of an older schema), retrying on a timer
   * without blocking the event loop. Default 60 000 ms; 0 fails at once.
   */
  readonly openTimeoutMs?: number;
}

/** A `WebhookStore` in one SQLite file. */
export interface SqliteStore extends WebhookStore {
  /** The binding in use, for diagnostics. */
  readonly driver: SqliteDriverName;
}

const DEFAULT_BUSY_TIMEOUT_MS = 1500;
const DEFAULT_MAX_BATCH = 128;
const DEFAULT_PURGE_LIMIT = 1000;
const DEFAULT_WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
const DEFAULT_OPEN_TIMEOUT_MS = 60_000;
/** The longest single blocking wait for that lock while opening; between waits the event loop runs. */
const OPEN_BUSY_WAIT_MS = 20;
/** Opening waits for the lock in blocking waits of OPEN_BUSY_WAIT_MS with pauses of up to 50 ms between. */
const OPENING = { maxPauseMs: 50 } as const;

/**
 * Opens (and migrates) the embedded durable store: one SQLite file in WAL mode with
 * `synchronous = FULL`, so a delivery is fsync'd before `putIfAbsent` resolves. Writes of one
 * event-loop turn share one transaction (see `SqliteGroupCommit`). Several processes may share the
 * file; claims are atomic single statements; a process opening the file while another migrates it
 * waits for it (`openTimeoutMs`, on a timer). For many app instances on many hosts, use PostgreSQL
 * (`@wearhook/store-postgres`).
 */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const driver = await loadSqliteDriver(options.driver ?? 'auto');
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new RangeError('busyTimeoutMs must be a non-negative integer.');
  }
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError('maxBatch must be a positive integer.');
  const openTimeoutMs = options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
  if (!Number.isInteger(openTimeoutMs) || openTimeoutMs < 0) throw new RangeError('openTimeoutMs must be a non-negative integer.');
  const walSizeLimitBytes = options.walSizeLimitBytes ?? DEFAULT_WAL_SIZE_LIMIT_BYTES;
  if (!Number.isSafeInteger(walSizeLimitBytes) || walSizeLimitBytes < 0) throw new RangeError('walSizeLimitBytes must be a non-negative integer.');
  const fault = commitFaultFromEnvironment();
  let db: SqliteDatabase | undefined;
  try {
    db = driver.open(options.filename);
    const opened = db;
    // Another process may be migrating the file (11.6 s for 200,000 rows of an older schema): wait for
    // it on a timer, never blocking the event loop for more than a few milliseconds at a time.
    db.exec(`PRAGMA busy_timeout = ${OPEN_BUSY_WAIT_MS}`);
    const wal = await whileLocked(openTimeoutMs, () => opened.prepare('PRAGMA journal_mode = WAL').get()?.journal_mode === 'wal', OPENING);
    db.exec('PRAGMA synchronous = FULL');
    await whileLocked(openTimeoutMs, () => migrateSqlite(opened), OPENING);
    // From now on a lock held elsewhere fails at once and is retried on a timer, off the event loop.
    db.exec('PRAGMA busy_timeout = 0');
    const durability = wal ? offloadDurability(db, databasePath(options.filename), driver.name, walSizeLimitBytes) : undefined;
    return openStore(db, driver.name, { lockWaitMs: busyTimeoutMs, maxBatch, fault, sync: durability?.sync }, durability);
  } catch (error) {
    db?.close();
    if (error instanceof SchemaVersionError) throw error;
    throw new StoreUnavailableError(`Could not open the SQLite store at ${options.filename}.`, { cause: error });
  }
}


/**
 * Runs `step`, and again after a pause (doubling from 1 ms up to `maxPauseMs`) while another
 * connection's lock refuses it, until `waitMs` has passed; then, or for any other error, throws what
 * `step` threw. `beforeEach` may throw to stop early (a store closed meanwhile). The pauses are timers,
 * so the event loop runs while another connection holds the lock.
 */
async function whileLocked<T>(waitMs: number, step: () => T, { maxPauseMs = 16, beforeEach = () => {} }: { readonly maxPauseMs?: number; readonly beforeEach?: () => void } = {}): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, maxPauseMs)) {
    beforeEach();
    try {
      return step();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/**
 * The database file's real path: SQLite follows symlinks and keeps the -wal file beside the file they
 * lead to, and a relative path would point elsewhere after a `process.chdir()`. With the path as given,
 * a symlinked database had every commit written but reported as not durable (the fsync found no -wal).
 */
function databasePath(filename: string): string {
  try {
    return realpathSync(filename);
  } catch {
    return filename;
  }
}
function openStore(
  db: SqliteDatabase,
  driver: SqliteDriverName,
  options: SqliteGroupCommitOptions,
  durability: OffloadedDurability | undefined,
): SqliteStore {
  const sql = statements(db);
  const commits = new SqliteGroupCommit(db, options);
  let closed = false;

  const closedError = () => new StoreUnavailableError('The webhook store is closed.');
  /** Queues a write for the next group commit. */
  const write = <T>(operation: string, work: () => T): Promise<T> =>
    closed ? Promise.reject(closedError()) : commits.write(operation, work);
  /** Runs a read now; a lock (rare for WAL readers) is retried on a timer until the deadline. */
  const read = async <T>(operation: string, work: () => T): Promise<T> => {
    try {
      return await whileLocked(options.lockWaitMs, work, {
        beforeEach: () => {
          if (closed) throw closedError();
        },
      });
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      throw new StoreUnavailableError(`The SQLite store could not ${operation}.`, { cause: error });
    }
  };
  const changed = (result: { changes: number | bigint }): boolean => Number(result.changes) > 0;

  return {
    driver,

    putIfAbsent: (delivery: NewDelivery) => {
      // NUL too: @photostructure/sqlite truncates bound strings at U+0000, and either driver may open the file.
      const unstorable = unstorableLabel(delivery, { forbidNul: true });
      if (unstorable !== undefined) return Promise.reject(unstorable);
      const row = newDeliveryRow(delivery, (epochMs) => epochMs);
      return write('persist the delivery', (): PutResult => {
        // The row, then the first attempt's due time: the receipt time (sqlite-statements.ts).
        const inserted = sql.insertDelivery.get(...row, row[8]);
        return inserted === undefined ? { inserted: false } : { inserted: true, id: String(inserted.id) };
      });
    },

    claim: ({ workerId, leaseMs, limit, now = new Date(), providers }: ClaimOptions) => {
      if (limit <= 0 || providers?.length === 0) return closed ? Promise.reject(closedError()) : Promise.resolve([]);
      const parameters = {
        now: now.getTime(),
        lease_until: now.getTime() + leaseMs,
        worker: workerId,
        limit,
        // A ",a,b," list matched with instr: one prepared statement for any set of providers.
        providers: providers === undefined ? null : `,${providers.join(',')},`,
      };
      return write('claim deliveries', () =>
        sql.claim
          .all(parameters)
          .map((row) => toDelivery(row) as ClaimedDelivery)
          // RETURNING gives no order guarantee.
          .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || Number(a.id) - Number(b.id)),
      );
    },

    complete: (id: string, workerId: string, options?: { readonly now?: Date }) => {
      const rowid = rowId(id);
      const now = nowMs(options);
      return write('complete the delivery', () => changed(sql.finish.run('completed', null, now, rowid, workerId)));
    },

    fail: (id: string, workerId: string, outcome: FailOutcome, error: string, options?: { readonly now?: Date }) => {
      const dead = 'dead' in outcome;
      const rowid = rowId(id);
      const now = nowMs(options);
      const retry = { id: rowid, worker: workerId, retry_at: dead ? 0 : outcome.retryAt.getTime(), error };
      return write('record the failed attempt', () => changed(dead ? sql.finish.run('dead', error, now, rowid, workerId) : sql.retry.run(retry)));
    },

    release: (id: string, workerId: string) =>
      write('release the lease', () => changed(sql.release.run({ id: rowId(id), worker: workerId }))),

    renew: (ids: readonly string[], workerId: string, leaseMs: number, options?: { readonly now?: Date }) => {
      const leaseUntil = nowMs(options) + leaseMs;
      const unique = [...new Set(ids)];
      return write('renew leases', () =>
        unique.filter((id) => changed(sql.renew.run({ id: rowId(id), worker: workerId, lease_until: leaseUntil }))),
      );
    },

    listDead: ({ limit }: { readonly limit: number }) =>
      read('list dead deliveries', () => sql.listDead.all({ limit: Math.max(0, limit) }).map(toDelivery)),

    requeue: (ids: readonly string[], options?: { readonly now?: Date }) => {
      const unique = [...new Set(ids)];
      const now = nowMs(options);
      return write('requeue deliveries', () => ({
        requeued: unique.filter((id) => changed(sql.requeue.run({ id: rowId(id), now }))).length,
      }));
    },

    purge: (options?: PurgeOptions) => {
      const now = nowMs(options);
      const cutoff = options?.olderThan?.getTime() ?? now - DEFAULT_RETENTION_MS;
      const bodyCutoff = options?.bodiesOlderThan?.getTime() ?? now - DEFAULT_BODY_RETENTION_MS;
      const limit = Math.max(0, Math.floor(options?.limit ?? DEFAULT_PURGE_LIMIT));
      return write('purge deliveries', () => {
        const purged = limit === 0 ? 0 : Number(sql.purge.run({ cutoff, limit }).changes);
        const rest = limit - purged;
        const bodiesDropped = rest === 0 ? 0 : Number(sql.dropBodies.run({ cutoff: bodyCutoff, limit: rest }).changes);
        return { purged, bodiesDropped };
      });
    },

    get: (provider: ProviderName, deliveryKey: string) =>
      read('read the delivery', () => {
        // A key that cannot be stored exactly was never stored; it must not match its lossy encoding.
        if (!isStorableLabel(deliveryKey, { forbidNul: true })) return undefined;
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
      const receivedAt = (options?.receivedAt ?? new Date()).getTime();
      const updatedAt = Date.now();
      return write('write records', () => {
        let applied = 0;
        for (const record of prepared) {
          // In the order of the statement's placeholders (sqlite-statements.ts).
          const result = sql.upsertRecord.run(provider, record.userId, record.kind, record.key, record.version ?? null, record.dataJson, receivedAt, updatedAt);
          if (changed(result)) applied += 1;
        }
        return { applied };
      });
    },

    getRecords: (query: { readonly provider: ProviderName; readonly userId: string; readonly kind?: string }) =>
      read('read records', () => {
        if (!isStorableRecordsQuery(query, { forbidNul: true })) return [];
        const rows =
          query.kind === undefined
            ? sql.recordsOfUser.all({ provider: query.provider, user_id: query.userId })
            : sql.recordsOfKind.all({ provider: query.provider, user_id: query.userId, kind: query.kind });
        return rows.map(toRecord);
      }),

    close: async () => {
      if (closed) return;
      closed = true;
      // Writes already queued are committed (or rejected) first: an acknowledged-to-be write is not dropped.
      await commits.drain();
      await durability?.stop();
      db.close();
    },
  };
}

function statements(db: SqliteDatabase): Record<SqliteStatementName, SqliteStatement> {
  const prepared = {} as Record<SqliteStatementName, SqliteStatement>;
  for (const [name, text] of Object.entries(SQLITE_STATEMENTS)) prepared[name as SqliteStatementName] = db.prepare(text);
  return prepared;
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
    body: (row.body as string | null) ?? undefined,
    receivedAt: new Date(Number(row.received_at)),
    issues: fromJson(row.issues),
    context: fromJson(row.context) as StoredDelivery['context'],
    drift: fromJson(row.drift),
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

function fromJson(value: unknown): unknown {
  return value === null || value === undefined ? undefined : JSON.parse(value as string);
}

function optionalDate(value: unknown): Date | undefined {
  return value === null || value === undefined ? undefined : new Date(Number(value));
}
