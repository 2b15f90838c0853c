import {
  DEFAULT_BODY_RETENTION_MS,
  DEFAULT_RETENTION_MS,
  StoreUnavailableError,
  commitFaultFromEnvironment,
  isStorableLabel,
  isStorableRecordsQuery,
  newDeliveryRow,
  prepareRecords,
  unstorableLabel,
  type ClaimedDelivery,
  type ClaimOptions,
  type DeliveryState,
  type FailOutcome,
  type NewDelivery,
  type NewDeliveryRow,
  type PreparedRecord,
  type PurgeOptions,
  type PutResult,
  type StoredDelivery,
  type StoredRecord,
  type UpsertRecordsOptions,
  type WebhookStore,
} from '@wearhook/core/stores';
import pg from 'pg';
import { migrate } from './migrations.js';
import { PostgresGroupCommit, unavailable, type PostgresMergeKind, type PostgresWork } from './postgres-group-commit.js';
import { sqlNames } from './sql-names.js';

type ProviderName = NewDelivery['provider'];

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/db`. Ignored when `pool` is given. */
  readonly connectionString?: string;
  /** Settings for the pool the store creates (e.g. `max`, `ssl`, `statement_timeout`). */
  readonly poolConfig?: pg.PoolConfig;
  /** Use this pool instead of creating one; `close()` then leaves it open. */
  readonly pool?: pg.Pool;
  /** The schema of wearhook's tables (created if missing). Default: the search_path's first schema. */
  readonly schema?: string;
  /** Apply pending migrations on first use (default). Turn off when deploys run `migrate` themselves. */
  readonly migrate?: boolean;
  /**
   * Errors of idle pooled connections (say, the server restarted). Without a listener they would crash
   * the process; the next query reconnects. Default: `console.error`.
   */
  readonly onPoolError?: (error: Error) => void;
  /** At most this many writes share one transaction (group commit). Default 128. */
  readonly maxBatch?: number;
  /**
   * At most about this many rows (deliveries and records) in one group-commit transaction. Its
   * statement is serialised, sent and its result read on the event loop in one go (about 5 us a row
   * on a 2-core test machine, more under CPU contention), so this bounds that stall. Default 1000.
   */
  readonly maxBatchRows?: number;
  /**
   * At most this many group-commit transactions in flight at once, each on its own pooled connection;
   * writes arriving meanwhile gather into the next batch. Default 2 (keep it below the pool's `max`).
   */
  readonly maxCommitsInFlight?: number;
}

/**
 * Server-side limits on the store's own pool, so a delivery gets 503 within a provider's deadline
 * rather than no answer: without them, an insert waiting on a row another instance's open transaction
 * holds (that instance frozen or cut off between BEGIN and COMMIT) waited until TCP keepalive noticed,
 * about two hours, and its whole batch with it.
 * - `lock_timeout`: a write waits at most 1 s for a lock; the batch is then rerun with a savepoint per
 *   write, so only the blocked write fails (after ~2 s in all) and the others commit.
 * - `idle_in_transaction_session_timeout`: the server ends a session that holds a transaction open
 *   without a statement for 10 s (a frozen instance), releasing its locks.
 * - `statement_timeout`: nothing the store runs takes seconds; 30 s catches a stuck one. Migrations lift
 *   it for their own transaction (index builds on large tables).
 * Each is set on a new connection only where the server has none (0): a value from the role, the
 * database, PGOPTIONS or the connection string's `options` stands, and so does one in `poolConfig`.
 * Session settings, not startup parameters, which PgBouncer refuses unless told to ignore them.
 */
const SESSION_LIMITS = {
  lock_timeout: 1_000,
  idle_in_transaction_session_timeout: 10_000,
  statement_timeout: 30_000,
} as const;

/** The statement that sets the limits `poolConfig` leaves to the store; undefined when it sets them all. */
function sessionLimits(poolConfig: pg.PoolConfig | undefined): string | undefined {
  const limits = Object.entries(SESSION_LIMITS)
    .filter(([name]) => (poolConfig as Record<string, unknown> | undefined)?.[name] === undefined)
    .map(([name, ms]) => `('${name}', '${ms}')`);
  if (limits.length === 0) return undefined;
  return `SELECT set_config(name, value, false) FROM (VALUES ${limits.join(', ')}) AS limits (name, value) WHERE current_setting(name) = '0'`;
}

/** A `WebhookStore` in PostgreSQL, for many app instances sharing one inbox. */
export interface PostgresStore extends WebhookStore {
  /** The pool in use, e.g. to share it with the app (its own pool's connections carry the store's session limits). */
  readonly pool: pg.Pool;
}

/**
 * Creates the PostgreSQL store. Claims use `FOR UPDATE SKIP LOCKED`, so any number of workers in any
 * number of processes claim disjoint deliveries without waiting on each other. Durability relies on
 * PostgreSQL's default `synchronous_commit = on`: a commit is flushed to the WAL before it returns.
 * Lease and retry times come from the calling worker's clock, so keep hosts' clocks in sync (NTP)
 * and leases much longer than the skew.
 */
export function createPostgresStore(options: PostgresStoreOptions = {}): PostgresStore {
  const ownsPool = options.pool === undefined;
  const limits = sessionLimits(options.poolConfig);
  const theirOnConnect = options.poolConfig?.onConnect;
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.connectionString,
      application_name: 'wearhook',
      max: 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      ...options.poolConfig,
      // Awaited by the pool before it hands the new connection out (a query queued from the 'connect'
      // event instead made pg 8 print a deprecation warning); if it fails, so does that checkout.
      onConnect: async (client) => {
        if (limits !== undefined) await client.query(limits);
        await theirOnConnect?.(client);
      },
    });
  if (ownsPool) {
    pool.on('error', options.onPoolError ?? ((error) => console.error('[wearhook] idle PostgreSQL connection failed:', error)));
  }
  const names = sqlNames(options.schema);
  const { deliveries: D, records: R } = names;
  let closed = false;
  let migrated: Promise<unknown> | undefined = options.migrate === false ? Promise.resolve() : undefined;

  /** Migrates once; a failed attempt (server down at startup) is retried by the next call. */
  const ready = (): Promise<unknown> => {
    migrated ??= migrate(pool, { schema: options.schema }).catch((error: unknown) => {
      migrated = undefined;
      throw error;
    });
    return migrated;
  };

  const commits = new PostgresGroupCommit(pool, {
    maxBatch: positiveInteger(options.maxBatch ?? 128, 'maxBatch'),
    maxRows: positiveInteger(options.maxBatchRows ?? 1000, 'maxBatchRows'),
    maxInFlight: positiveInteger(options.maxCommitsInFlight ?? 2, 'maxCommitsInFlight'),
    ready,
    fault: commitFaultFromEnvironment(),
  });
  const closedError = () => new StoreUnavailableError('The webhook store is closed.');
  /** Queues a write for the next group commit; settles once the transaction holding it committed. */
  const write = <T>(operation: string, work: PostgresWork<T>): Promise<T> =>
    closed ? Promise.reject(closedError()) : commits.write(operation, work);
  /** The same, for a write that shares one statement with the others of its kind in the batch. */
  const merge = <I, T>(operation: string, kind: PostgresMergeKind<I, T>, input: I): Promise<T> =>
    closed ? Promise.reject(closedError()) : commits.merge(operation, kind, input);
  /** Runs outside group commit: reads, and claims and purges, which are whole transactions of their own. */
  const guard = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
    if (closed) throw closedError();
    try {
      await ready();
      return await work();
    } catch (error) {
      throw unavailable(operation, error);
    }
  };
  const query = (text: string, values: unknown[]) => pool.query(text, values);

  /**
   * Inserts deliveries. Rows go in key order, so concurrent batches take the unique index's locks in
   * the same order and cannot deadlock; of two writes of one key in a batch, the first is inserted and
   * the second is its duplicate.
   */
  const putKind: PostgresMergeKind<PutRow, PutResult> = {
    name: 'put',
    columns: 3,
    statement: (rows, param) => {
      const column = (i: number) => param(rows.map((row) => row[i]));
      return `INSERT INTO ${D} (provider, delivery_key, event_type, state, body, issues, context, drift, received_at,
         next_attempt_at, lease_owner, lease_until, attempts)
       SELECT t.provider, t.delivery_key, t.event_type, t.state, t.body, t.issues, t.context, t.drift, t.received_at,
         t.received_at, t.lease_owner, t.lease_until, t.attempts
       FROM unnest(${column(0)}::text[], ${column(1)}::text[], ${column(2)}::text[], ${column(3)}::text[],
         ${textParams(rows.map((row) => row[4]), param)}, ${column(5)}::text[], ${column(6)}::text[], ${column(7)}::text[],
         ${column(8)}::timestamptz[], ${column(9)}::text[], ${column(10)}::timestamptz[], ${column(11)}::int[])
         WITH ORDINALITY AS t(provider, delivery_key, event_type, state, body, issues, context, drift, received_at,
           lease_owner, lease_until, attempts, ord)
       WHERE t.provider IS NOT NULL
       ORDER BY t.provider, t.delivery_key COLLATE "C", t.ord
       ON CONFLICT (provider, delivery_key) DO NOTHING
       RETURNING id::text, provider, delivery_key`;
    },
    results: (inserted, rows) => {
      const ids = new Map(inserted.map(([id, provider, deliveryKey]) => [JSON.stringify([provider, deliveryKey]), id!]));
      return rows.map((row) => {
        const identity = JSON.stringify([row[0], row[1]]);
        const id = ids.get(identity);
        if (id === undefined) return { inserted: false };
        ids.delete(identity); // a second write of the same key in this batch is a duplicate
        return { inserted: true, id };
      });
    },
  };

  /** Completes leased deliveries; each result says whether that worker held it. */
  const completeKind: PostgresMergeKind<CompleteInput, boolean> = {
    name: 'complete',
    columns: 2,
    statement: (inputs, param) =>
      `UPDATE ${D} AS d
       SET state = 'completed', finished_at = t.now, lease_owner = NULL, lease_until = NULL
       FROM (SELECT * FROM unnest(${param(inputs.map((i) => i[0]))}::bigint[], ${param(inputs.map((i) => i[1]))}::text[],
         ${param(inputs.map((i) => i[2]))}::timestamptz[]) AS u(id, worker, now) ORDER BY u.id) AS t
       WHERE d.id = t.id AND d.state = 'pending' AND d.lease_owner = t.worker
       RETURNING d.id::text, t.worker`,
    results: (rows, inputs) => {
      const done = new Set(rows.map(([id, worker]) => JSON.stringify([id, worker])));
      return inputs.map(([id, worker]) => done.delete(JSON.stringify([id, worker])));
    },
  };

  /**
   * Upserts the records of many writes in one statement; a record that two writes of the batch both
   * carry goes into a later round, since one statement cannot update a row twice. Rows go in identity
   * order, so two overlapping batches lock rows in the same order and cannot deadlock. The WHERE clause
   * is `outranks` from @wearhook/core; keep the two in step.
   */
  const recordsKind: PostgresMergeKind<RecordsInput, { applied: number }> = {
    name: 'records',
    columns: 4,
    rows: (input) => input.records.length,
    statement: (inputs, param) => {
      // Provider and receipt time once per write (`w` indexes them), not once per record.
      const rows = inputs
        .flatMap((input, w) => input.records.map((record) => ({ w: w + 1, provider: input.provider, record })))
        .sort((a, b) => compareStrings(a.provider, b.provider) || compareRecords(a.record, b.record));
      const column = (pick: (row: (typeof rows)[number]) => unknown) => param(rows.map(pick));
      return `INSERT INTO ${R} AS r (provider, user_id, kind, key, version, data, received_at, revision, updated_at)
       SELECT (${param(inputs.map((input) => input.provider))}::text[])[t.w], t.user_id, t.kind, t.key, t.version, t.data,
         (${param(inputs.map((input) => input.receivedAt))}::timestamptz[])[t.w], 1, now()
       FROM unnest(${column((row) => row.w)}::int[], ${column((row) => row.record.userId)}::text[],
         ${column((row) => row.record.kind)}::text[], ${column((row) => row.record.key)}::text[],
         ${column((row) => row.record.version ?? null)}::float8[], ${textParams(rows.map((row) => row.record.dataJson), param)})
         WITH ORDINALITY AS t(w, user_id, kind, key, version, data, ord)
       WHERE t.w IS NOT NULL
       ORDER BY t.ord
       ON CONFLICT (provider, user_id, kind, key) DO UPDATE SET
         version = excluded.version, data = excluded.data, received_at = excluded.received_at,
         revision = r.revision + 1, updated_at = excluded.updated_at
       WHERE (excluded.version IS NOT NULL AND (r.version IS NULL OR excluded.version > r.version))
          OR (excluded.version IS NULL AND r.version IS NULL AND excluded.received_at > r.received_at)
       RETURNING r.provider, r.user_id, r.kind, r.key`;
    },
    results: (rows, inputs) => {
      const applied = new Set(rows.map(([provider, userId, kind, key]) => identityKey(provider!, userId!, kind!, key!)));
      return inputs.map((input) => {
        let count = 0;
        for (const record of input.records) if (applied.has(recordIdentity(input.provider, record))) count += 1;
        return { applied: count };
      });
    },
    rounds: (inputs) => {
      // A write goes one round after the last earlier write that shares a record with it, so each
      // record's writes still apply in batch order.
      const lastRound = new Map<string, number>();
      return inputs.map((input) => {
        const identities = input.records.map((record) => recordIdentity(input.provider, record));
        // A loop, not Math.max(...spread): one call with hundreds of thousands of arguments overflows the stack.
        let latest = -1;
        for (const identity of identities) latest = Math.max(latest, lastRound.get(identity) ?? -1);
        const round = latest + 1;
        for (const identity of identities) lastRound.set(identity, round);
        return round;
      });
    },
  };
  const changed = (result: pg.QueryResult): boolean => (result.rowCount ?? 0) > 0;
  const leasedBy = `id = $1 AND state = 'pending' AND lease_owner = $2`;

  return {
    pool,

    putIfAbsent: (delivery: NewDelivery) => {
      const unstorable = unstorableLabel(delivery, { forbidNul: true });
      if (unstorable !== undefined) return Promise.reject(unstorable);
      const row: PutRow = newDeliveryRow(delivery, (epochMs) => new Date(epochMs));
      return merge('persist the delivery', putKind, row);
    },

    claim: ({ workerId, leaseMs, limit, now = new Date(), providers }: ClaimOptions) =>
      guard('claim deliveries', async () => {
        if (limit <= 0) return [];
        // SKIP LOCKED: rows another worker is claiming right now are passed over, not waited for.
        const { rows } = await query(
          `WITH due AS (
             SELECT id FROM ${D}
             WHERE state = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
               AND ($5::text[] IS NULL OR provider = ANY($5::text[]))
             ORDER BY next_attempt_at, id
             LIMIT $2
             FOR UPDATE SKIP LOCKED)
           UPDATE ${D} AS d SET lease_owner = $3, lease_until = $4, attempts = d.attempts + 1
           FROM due WHERE d.id = due.id
           RETURNING d.*`,
          [now, limit, workerId, new Date(now.getTime() + leaseMs), providers === undefined ? null : [...providers]],
        );
        return rows
          .map((row) => toDelivery(row) as ClaimedDelivery)
          .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || compareIds(a.id, b.id));
      }),

    complete: (id: string, workerId: string, options?: { readonly now?: Date }) => {
      if (!isRowId(id)) return write('complete the delivery', async () => false);
      const input: CompleteInput = [id, workerId, options?.now ?? new Date()];
      return merge('complete the delivery', completeKind, input);
    },

    fail: (id: string, workerId: string, outcome: FailOutcome, error: string, options?: { readonly now?: Date }) => {
      if (!isRowId(id)) return write('record the failed attempt', async () => false);
      const [text, values] =
        'dead' in outcome
          ? [
              `UPDATE ${D} SET state = 'dead', last_error = $3, finished_at = $4, lease_owner = NULL, lease_until = NULL
               WHERE ${leasedBy}`,
              [id, workerId, error, options?.now ?? new Date()],
            ]
          : [
              `UPDATE ${D} SET next_attempt_at = $3, last_error = $4, lease_owner = NULL, lease_until = NULL
               WHERE ${leasedBy}`,
              [id, workerId, outcome.retryAt, error],
            ];
      return write('record the failed attempt', async (client) => changed(await client.query(text, values)));
    },

    release: (id: string, workerId: string) => {
      if (!isRowId(id)) return write('release the lease', async () => false);
      return write('release the lease', async (client) =>
        changed(
          await client.query(
            `UPDATE ${D} SET lease_owner = NULL, lease_until = NULL, attempts = greatest(attempts - 1, 0)
             WHERE ${leasedBy}`,
            [id, workerId],
          ),
        ),
      );
    },

    renew: (ids: readonly string[], workerId: string, leaseMs: number, options?: { readonly now?: Date }) => {
      const unique = [...new Set(ids)].filter(isRowId);
      const leaseUntil = new Date((options?.now ?? new Date()).getTime() + leaseMs);
      return write('renew leases', async (client) => {
        if (unique.length === 0) return [];
        const { rows } = await client.query<{ id: string }>(
          `UPDATE ${D} SET lease_until = $3
           WHERE id = ANY($1::bigint[]) AND state = 'pending' AND lease_owner = $2
           RETURNING id`,
          [unique, workerId, leaseUntil],
        );
        const renewed = new Set(rows.map((row) => String(row.id)));
        return unique.filter((id) => renewed.has(id));
      });
    },

    listDead: ({ limit }: { readonly limit: number }) =>
      guard('list dead deliveries', async () => {
        const { rows } = await query(`SELECT * FROM ${D} WHERE state = 'dead' ORDER BY id LIMIT $1`, [
          Math.max(0, limit),
        ]);
        return rows.map(toDelivery);
      }),

    requeue: (ids: readonly string[], options?: { readonly now?: Date }) => {
      const valid = [...new Set(ids)].filter(isRowId);
      const now = options?.now ?? new Date();
      return write('requeue deliveries', async (client) => {
        if (valid.length === 0) return { requeued: 0 };
        const result = await client.query(
          `UPDATE ${D}
           SET state = 'pending', attempts = 0, next_attempt_at = $2, lease_owner = NULL, lease_until = NULL,
               finished_at = NULL
           WHERE id = ANY($1::bigint[]) AND state IN ('dead', 'quarantined')`,
          [valid, now],
        );
        return { requeued: result.rowCount ?? 0 };
      });
    },

    purge: (options?: PurgeOptions) =>
      guard('purge deliveries', async () => {
        const now = (options?.now ?? new Date()).getTime();
        const cutoff = options?.olderThan ?? new Date(now - DEFAULT_RETENTION_MS);
        const bodyCutoff = options?.bodiesOlderThan ?? new Date(now - DEFAULT_BODY_RETENTION_MS);
        const limit = Math.max(0, Math.floor(options?.limit ?? 1000));
        // Two short statements, each bounded by the limit through its partial index (migration 2). The
        // outer WHERE repeats the conditions: at READ COMMITTED, a row that another transaction changed
        // after the subquery saw it is re-checked against the outer WHERE only, so without them a dead
        // delivery requeued in that moment would be deleted while pending.
        const purged =
          limit === 0
            ? 0
            : ((
                await query(
                  `DELETE FROM ${D} WHERE id IN (
                     SELECT id FROM ${D}
                     WHERE state IN ('completed', 'dead', 'quarantined') AND received_at < $1
                     LIMIT $2)
                   AND state IN ('completed', 'dead', 'quarantined') AND received_at < $1`,
                  [cutoff, limit],
                )
              ).rowCount ?? 0);
        const rest = limit - purged;
        const bodiesDropped =
          rest === 0
            ? 0
            : ((
                await query(
                  `UPDATE ${D} SET body = NULL WHERE id IN (
                     SELECT id FROM ${D}
                     WHERE state = 'completed' AND body IS NOT NULL AND received_at < $1
                     LIMIT $2)
                   AND state = 'completed' AND body IS NOT NULL AND received_at < $1`,
                  [bodyCutoff, rest],
                )
              ).rowCount ?? 0);
        return { purged, bodiesDropped };
      }),

    get: (provider: ProviderName, deliveryKey: string) =>
      guard('read the delivery', async () => {
        // A key that cannot be stored was never stored (and must not reach the server, which refuses NUL).
        if (!isStorableLabel(deliveryKey, { forbidNul: true })) return undefined;
        const { rows } = await query(`SELECT * FROM ${D} WHERE provider = $1 AND delivery_key = $2`, [
          provider,
          deliveryKey,
        ]);
        return rows[0] === undefined ? undefined : toDelivery(rows[0]);
      }),

    upsertRecords: async (provider: ProviderName, records, upsertOptions?: UpsertRecordsOptions) => {
      // Validation errors are the caller's bug, not an outage: they stay RangeError/TypeError.
      const prepared: PreparedRecord[] = prepareRecords(records);
      const receivedAt = upsertOptions?.receivedAt ?? new Date();
      if (prepared.length === 0) return write('write records', async () => ({ applied: 0 }));
      return merge('write records', recordsKind, { provider, records: prepared, receivedAt });
    },

    getRecords: (recordQuery: { readonly provider: ProviderName; readonly userId: string; readonly kind?: string }) =>
      guard('read records', async () => {
        if (!isStorableRecordsQuery(recordQuery, { forbidNul: true })) return [];
        const { rows } = await query(
          `SELECT * FROM ${R} WHERE provider = $1 AND user_id = $2 AND ($3::text IS NULL OR kind = $3)
           ORDER BY kind, key`,
          [recordQuery.provider, recordQuery.userId, recordQuery.kind ?? null],
        );
        return rows.map(toRecord);
      }),

    close: async () => {
      if (closed) return;
      closed = true;
      // Writes already queued are committed (or rejected) first, then the pool is let go.
      await commits.drain();
      if (ownsPool) await pool.end();
    },
  };
}

/**
 * Large text values (delivery bodies, record data) as an array of parameters, one value each
 * (`ARRAY[$13, $14, ...]`), not as one text[] parameter: node-postgres writes a text[] as an array
 * literal, escaping every quote and backslash of every value with two regular-expression passes, which
 * cost ~9 µs per 2.5 KB body on the event loop and twice the value in garbage; a parameter of its own
 * is sent as it is. The array is padded with NULLs to a power of two, so batch sizes share a few
 * statement texts (each prepared once per connection), not one each; unnest pads the other columns
 * with NULLs to its length, and the statement drops those rows by a column that is never NULL.
 * Above `MAX_TEXT_PARAMS` values (one `upsertRecords` call of thousands of records, or a raised
 * `maxBatch`), one text[] parameter as before: a statement takes at most 65,535 parameters, and
 * node-postgres does not check.
 */
function textParams(values: readonly (string | null)[], param: (value: unknown) => string): string {
  if (values.length > MAX_TEXT_PARAMS) return `${param(values)}::text[]`;
  let size = 1;
  while (size < values.length) size *= 2;
  const params: string[] = [];
  for (let i = 0; i < size; i++) params.push(param(i < values.length ? values[i] : null));
  return `ARRAY[${params.join(', ')}]::text[]`;
}

/**
 * Values a statement takes as parameters of their own, per column (`textParams`): a merged statement
 * holds at most two such columns (bodies, record data) and a few dozen other parameters, far from 65,535.
 */
export const MAX_TEXT_PARAMS = 4_096;

/** putIfAbsent's columns, in the order of the insert statement. */
type PutRow = NewDeliveryRow<Date>;
type CompleteInput = [id: string, workerId: string, now: Date];
interface RecordsInput {
  readonly provider: ProviderName;
  readonly records: readonly PreparedRecord[];
  readonly receivedAt: Date;
}

function recordIdentity(provider: ProviderName, record: PreparedRecord): string {
  return identityKey(provider, record.userId, record.kind, record.key);
}

/** NUL cannot occur in the parts (PostgreSQL text refuses it), so joining them with it is unambiguous. */
function identityKey(provider: string, userId: string, kind: string, key: string): string {
  return `${provider}\u0000${userId}\u0000${kind}\u0000${key}`;
}

function compareRecords(a: PreparedRecord, b: PreparedRecord): number {
  return compareStrings(a.userId, b.userId) || compareStrings(a.kind, b.kind) || compareStrings(a.key, b.key);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer.`);
  return value;
}

function fromJson(value: unknown): unknown {
  return value === null || value === undefined ? undefined : JSON.parse(value as string);
}

/** Ids are bigserial values as decimal strings; anything else matches no row (and must not reach SQL). */
function isRowId(id: string): boolean {
  return /^[1-9]\d{0,18}$/.test(id) && BigInt(id) <= 9_223_372_036_854_775_807n;
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

type Row = Record<string, unknown>;

function toDelivery(row: Row): StoredDelivery {
  return {
    id: String(row.id),
    provider: row.provider as ProviderName,
    deliveryKey: row.delivery_key as string,
    eventType: row.event_type as string,
    state: row.state as DeliveryState,
    body: (row.body as string | null) ?? undefined,
    receivedAt: row.received_at as Date,
    issues: fromJson(row.issues),
    context: fromJson(row.context) as StoredDelivery['context'],
    drift: fromJson(row.drift),
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at as Date,
    lastError: (row.last_error as string | null) ?? undefined,
    leaseOwner: (row.lease_owner as string | null) ?? undefined,
    leaseUntil: (row.lease_until as Date | null) ?? undefined,
    finishedAt: (row.finished_at as Date | null) ?? undefined,
  };
}

function toRecord(row: Row): StoredRecord {
  return {
    provider: row.provider as ProviderName,
    kind: row.kind as string,
    userId: row.user_id as string,
    key: row.key as string,
    version: row.version === null ? undefined : Number(row.version),
    data: JSON.parse(row.data as string),
    receivedAt: row.received_at as Date,
    revision: Number(row.revision),
    updatedAt: row.updated_at as Date,
  };
}
