import { SchemaVersionError } from '@wearhook/core/stores';
import type pg from 'pg';
import { quoteIdentifier, sqlNames, type SqlNames } from './sql-names.js';

/**
 * Schema versions, oldest first; version i + 1 is `POSTGRES_MIGRATIONS[i]`. Append new migrations;
 * never edit a released one. Text columns that are keys use the "C" collation: byte order, the same
 * as SQLite and the memory store, and cheaper to index.
 */
export const POSTGRES_MIGRATIONS: ReadonlyArray<(names: SqlNames) => string> = [
  ({ deliveries, records }) => `
    CREATE TABLE ${deliveries} (
      id bigserial PRIMARY KEY,
      provider text NOT NULL,
      delivery_key text COLLATE "C" NOT NULL,
      event_type text NOT NULL,
      state text NOT NULL CHECK (state IN ('pending', 'quarantined', 'completed', 'dead')),
      body text NOT NULL,
      issues text,
      received_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      last_error text,
      lease_owner text,
      lease_until timestamptz,
      finished_at timestamptz,
      UNIQUE (provider, delivery_key)
    );
    CREATE INDEX wearhook_deliveries_due ON ${deliveries} (next_attempt_at, id) WHERE state = 'pending';
    CREATE INDEX wearhook_deliveries_finished ON ${deliveries} (received_at) WHERE state IN ('completed', 'dead');
    CREATE INDEX wearhook_deliveries_dead ON ${deliveries} (id) WHERE state = 'dead';
    CREATE TABLE ${records} (
      provider text NOT NULL,
      user_id text COLLATE "C" NOT NULL,
      kind text COLLATE "C" NOT NULL,
      key text COLLATE "C" NOT NULL,
      version double precision,
      data text NOT NULL,
      received_at timestamptz NOT NULL,
      revision integer NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (provider, user_id, kind, key)
    );`,
  // Issue 8: bodies of completed deliveries may be dropped, a delivery carries its header context and
  // drift, and purge has an index for every state it deletes. JSON goes in text like `issues`, not
  // jsonb: jsonb refuses \u0000 in strings, and a hostile payload's drift must not make a delivery
  // unstorable.
  ({ schema, deliveries }) => `
    ALTER TABLE ${deliveries} ALTER COLUMN body DROP NOT NULL;
    ALTER TABLE ${deliveries} ADD COLUMN context text, ADD COLUMN drift text;
    DROP INDEX ${schema === undefined ? '' : `${quoteIdentifier(schema)}.`}wearhook_deliveries_finished;
    CREATE INDEX wearhook_deliveries_retained ON ${deliveries} (received_at)
      WHERE state IN ('completed', 'dead', 'quarantined');
    CREATE INDEX wearhook_deliveries_bodies ON ${deliveries} (received_at)
      WHERE state = 'completed' AND body IS NOT NULL;`,
];

export interface MigrateOptions {
  /** The schema holding wearhook's tables (created if missing). Default: the search_path's first. */
  readonly schema?: string;
}

export interface MigrateResult {
  /** The schema version before and after. Equal when there was nothing to do. */
  readonly from: number;
  readonly to: number;
}

/** The schema version recorded in `table`, or `undefined` when the table does not exist (yet). */
async function currentVersion(client: pg.PoolClient, table: string): Promise<number | undefined> {
  const { rows } = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [table]);
  if (rows[0]?.exists !== true) return undefined;
  const versions = await client.query<{ version: number }>(`SELECT coalesce(max(version), 0)::integer AS version FROM ${table}`);
  return versions.rows[0]?.version;
}

/**
 * Brings wearhook's tables up to date in one transaction. An advisory lock serialises concurrent
 * callers (several app instances starting at once), so each migration runs exactly once. Refuses a
 * schema migrated by a newer wearhook (`SchemaVersionError`).
 */
export async function migrate(pool: pg.Pool, options: MigrateOptions = {}): Promise<MigrateResult> {
  const names = sqlNames(options.schema);
  const client = await pool.connect();
  // A checked-out client has no listener of the pool's: the connection dropping while it waits for the
  // lock (a database restart, another instance migrating) was an uncaught 'error' event that ended the
  // process. The statement under way rejects all the same.
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    try {
      // Index builds on a large table take longer than the store pool's statement_timeout; its
      // lock_timeout stays, so an ALTER that cannot get its lock soon fails (and is retried by the next
      // call) instead of queueing every query on the table behind it.
      await client.query('SET LOCAL statement_timeout = 0');
      // Keyed by the schema the tables land in, however it was named: `{}` and `{ schema: 'public' }`
      // are the same tables, and two locks let two instances create them at once (23505).
      await client.query("SELECT pg_advisory_xact_lock(hashtext('wearhook:migrate:' || coalesce($1, current_schema())))", [options.schema ?? null]);
      // Up to date: nothing to create, so nothing that needs CREATE rights (an app role with only read
      // and write grants, on tables an admin migrated, used to fail every call on CREATE ... IF NOT EXISTS).
      const current = await currentVersion(client, names.migrations);
      if (current === POSTGRES_MIGRATIONS.length) {
        await client.query('COMMIT');
        return { from: current, to: current };
      }
      if (options.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${names.migrations} (
          version integer PRIMARY KEY,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`);
      const { rows } = await client.query<{ version: number }>(
        `SELECT coalesce(max(version), 0)::integer AS version FROM ${names.migrations}`,
      );
      const from = rows[0]?.version ?? 0;
      if (from > POSTGRES_MIGRATIONS.length) {
        throw new SchemaVersionError(
          `The wearhook tables have schema version ${from}; this @wearhook/store-postgres knows up to ` +
            `${POSTGRES_MIGRATIONS.length}. Upgrade it.`,
        );
      }
      for (const [index, migration] of POSTGRES_MIGRATIONS.entries()) {
        if (index < from) continue;
        await client.query(migration(names));
        await client.query(`INSERT INTO ${names.migrations} (version) VALUES ($1)`, [index + 1]);
      }
      await client.query('COMMIT');
      return { from, to: Math.max(from, POSTGRES_MIGRATIONS.length) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  } finally {
    client.off('error', onError);
    // A broken connection goes back destroyed, not to be handed out again.
    client.release(broken);
  }
}
