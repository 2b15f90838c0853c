import {
  DEFAULT_RETENTION_MS,
  StoreUnavailableError,
  prepareRecords,
  type ClaimedDelivery,
  type ClaimOptions,
  type DeliveryState,
  type FailOutcome,
  type NewDelivery,
  type PreparedRecord,
  type StoredDelivery,
  type StoredRecord,
  type UpsertRecordsOptions,
  type WebhookStore,
} from '@wearhook/core/stores';
import pg from 'pg';
import { migrate } from './migrations.js';
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
}

/** A `WebhookStore` in PostgreSQL, for many app instances sharing one inbox. */
export interface PostgresStore extends WebhookStore {
  /** The pool in use, e.g. to share it with the app. */
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
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString: options.connectionString,
      application_name: 'wearhook',
      max: 10,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      ...options.poolConfig,
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

  const guard = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
    if (closed) throw new StoreUnavailableError('The webhook store is closed.');
    try {
      await ready();
      return await work();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const suffix = typeof code === 'string' ? ` (${code})` : '';
      throw new StoreUnavailableError(`The PostgreSQL store could not ${operation}${suffix}.`, { cause: error });
    }
  };
  const query = (text: string, values: unknown[]) => pool.query(text, values);
  const changed = (result: pg.QueryResult): boolean => (result.rowCount ?? 0) > 0;
  const leasedBy = `id = $1 AND state = 'pending' AND lease_owner = $2`;

  return {
    pool,

    putIfAbsent: (delivery: NewDelivery) =>
      guard('persist the delivery', async () => {
        const result = await query(
          `INSERT INTO ${D} (provider, delivery_key, event_type, state, body, issues, received_at, next_attempt_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
           ON CONFLICT (provider, delivery_key) DO NOTHING`,
          [
            delivery.provider,
            delivery.deliveryKey,
            delivery.eventType,
            delivery.state,
            delivery.body,
            delivery.issues === undefined ? null : JSON.stringify(delivery.issues),
            delivery.receivedAt,
          ],
        );
        return { inserted: changed(result) };
      }),

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

    complete: (id: string, workerId: string, options?: { readonly now?: Date }) =>
      guard('complete the delivery', async () => {
        if (!isRowId(id)) return false;
        const result = await query(
          `UPDATE ${D} SET state = 'completed', finished_at = $3, lease_owner = NULL, lease_until = NULL
           WHERE ${leasedBy}`,
          [id, workerId, options?.now ?? new Date()],
        );
        return changed(result);
      }),

    fail: (id: string, workerId: string, outcome: FailOutcome, error: string, options?: { readonly now?: Date }) =>
      guard('record the failed attempt', async () => {
        if (!isRowId(id)) return false;
        const result =
          'dead' in outcome
            ? await query(
                `UPDATE ${D} SET state = 'dead', last_error = $3, finished_at = $4, lease_owner = NULL, lease_until = NULL
                 WHERE ${leasedBy}`,
                [id, workerId, error, options?.now ?? new Date()],
              )
            : await query(
                `UPDATE ${D} SET next_attempt_at = $3, last_error = $4, lease_owner = NULL, lease_until = NULL
                 WHERE ${leasedBy}`,
                [id, workerId, outcome.retryAt, error],
              );
        return changed(result);
      }),

    release: (id: string, workerId: string) =>
      guard('release the lease', async () => {
        if (!isRowId(id)) return false;
        const result = await query(
          `UPDATE ${D} SET lease_owner = NULL, lease_until = NULL, attempts = greatest(attempts - 1, 0)
           WHERE ${leasedBy}`,
          [id, workerId],
        );
        return changed(result);
      }),

    listDead: ({ limit }: { readonly limit: number }) =>
      guard('list dead deliveries', async () => {
        const { rows } = await query(`SELECT * FROM ${D} WHERE state = 'dead' ORDER BY id LIMIT $1`, [
          Math.max(0, limit),
        ]);
        return rows.map(toDelivery);
      }),

    requeue: (ids: readonly string[], options?: { readonly now?: Date }) =>
      guard('requeue deliveries', async () => {
        const valid = [...new Set(ids)].filter(isRowId);
        if (valid.length === 0) return { requeued: 0 };
        const result = await query(
          `UPDATE ${D}
           SET state = 'pending', attempts = 0, next_attempt_at = $2, lease_owner = NULL, lease_until = NULL,
               finished_at = NULL
           WHERE id = ANY($1::bigint[]) AND state IN ('dead', 'quarantined')`,
          [valid, options?.now ?? new Date()],
        );
        return { requeued: result.rowCount ?? 0 };
      }),

    purge: (options?: { readonly olderThan?: Date; readonly now?: Date }) =>
      guard('purge deliveries', async () => {
        const cutoff =
          options?.olderThan ?? new Date((options?.now ?? new Date()).getTime() - DEFAULT_RETENTION_MS);
        const result = await query(
          `DELETE FROM ${D} WHERE state IN ('completed', 'dead') AND received_at < $1`,
          [cutoff],
        );
        return { purged: result.rowCount ?? 0 };
      }),

    get: (provider: ProviderName, deliveryKey: string) =>
      guard('read the delivery', async () => {
        const { rows } = await query(`SELECT * FROM ${D} WHERE provider = $1 AND delivery_key = $2`, [
          provider,
          deliveryKey,
        ]);
        return rows[0] === undefined ? undefined : toDelivery(rows[0]);
      }),

    upsertRecords: async (provider: ProviderName, records, upsertOptions?: UpsertRecordsOptions) => {
      // Validation errors are the caller's bug, not an outage: they stay RangeError/TypeError.
      const prepared: PreparedRecord[] = prepareRecords(records);
      return guard('write records', async () => {
        if (prepared.length === 0) return { applied: 0 };
        // One statement for the batch; rows go in identity order (prepareRecords sorts), so two
        // overlapping batches lock rows in the same order and cannot deadlock. The WHERE clause is
        // `outranks` from @wearhook/core; keep the two in step.
        const result = await query(
          `INSERT INTO ${R} AS r (provider, user_id, kind, key, version, data, received_at, revision, updated_at)
           SELECT $1, t.user_id, t.kind, t.key, t.version, t.data, $7, 1, now()
           FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::text[])
             WITH ORDINALITY AS t(user_id, kind, key, version, data, ord)
           ORDER BY t.ord
           ON CONFLICT (provider, user_id, kind, key) DO UPDATE SET
             version = excluded.version, data = excluded.data, received_at = excluded.received_at,
             revision = r.revision + 1, updated_at = excluded.updated_at
           WHERE (excluded.version IS NOT NULL AND (r.version IS NULL OR excluded.version > r.version))
              OR (excluded.version IS NULL AND r.version IS NULL AND excluded.received_at > r.received_at)`,
          [
            provider,
            prepared.map((record) => record.userId),
            prepared.map((record) => record.kind),
            prepared.map((record) => record.key),
            prepared.map((record) => record.version ?? null),
            prepared.map((record) => record.dataJson),
            upsertOptions?.receivedAt ?? new Date(),
          ],
        );
        return { applied: result.rowCount ?? 0 };
      });
    },

    getRecords: (recordQuery: { readonly provider: ProviderName; readonly userId: string; readonly kind?: string }) =>
      guard('read records', async () => {
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
      if (ownsPool) await pool.end();
    },
  };
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
    body: row.body as string,
    receivedAt: row.received_at as Date,
    issues: row.issues === null ? undefined : JSON.parse(row.issues as string),
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
