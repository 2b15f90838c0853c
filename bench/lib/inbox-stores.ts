// Stores for the end-to-end inbox benchmark: a fresh PostgreSQL database per subject on the local
// test server, and the "already retained" state, written fast with one bulk INSERT … SELECT in the
// store's own schema after the store's own migrations have run.
//
// The prefill adapts to the schema it finds: it fills the columns it knows (below), leaves any other
// column to its default or NULL, and stops with a clear message when a new NOT NULL column has no
// default (then add it to `ColumnValues`). A nullable body (the body-retention migration of issue 8)
// is NULL for completed deliveries older than the body retention, as the purge leaves them.
import { randomBytes } from 'node:crypto';
import { DEFAULT_BODY_RETENTION_MS, DEFAULT_RETENTION_MS, createSqliteStore, loadSqliteDriver } from '@wearhook/core/stores';
import { createPostgresStore, migrate } from '@wearhook/store-postgres';

/** The local test server of scripts/postgres/start.sh; BENCH_INBOX_PG_URL overrides it. */
export const DEFAULT_PG_ADMIN_URL = 'postgres://wearhook@127.0.0.1:54329/postgres';

export interface PrefillResult {
  readonly rows: number;
  readonly seconds: number;
  /** What the prefill did about the body column (for the notes). */
  readonly bodies: string;
  /** Columns of the table that the prefill left to their default or NULL. */
  readonly defaulted: readonly string[];
}

interface Column {
  readonly name: string;
  readonly nullable: boolean;
  readonly hasDefault: boolean;
}

/** The share of retained deliveries in each final state: nearly all completed, a few dead and quarantined. */
const DEAD_EVERY = 2000;
/** Retained deliveries are spread over the retention window minus this margin, so no purge deletes them mid-run. */
const MARGIN_MS = 60 * 60 * 1000;

/**
 * SQL for each known column over a row number `n` (1 = newest) and the row's receipt time `t`, in
 * the dialect's terms. Built per dialect below.
 */
interface Dialect {
  readonly t: string;
  readonly body: string;
  readonly finishedAt: string;
}

function columnValues(d: Dialect, bodyNullable: boolean): Record<string, string> {
  const state = `CASE WHEN n % ${DEAD_EVERY} = 0 THEN 'dead' WHEN n % ${DEAD_EVERY} = 1 THEN 'quarantined' ELSE 'completed' END`;
  const old = `n > :recentRows`;
  // The body of a completed delivery older than the body retention: dropped when the column allows it;
  // an empty string on a schema whose body is NOT NULL (before the body-retention migration), since
  // 1,000,000 real bodies would be 2.5 GB the retained state would not hold once bodies are purged.
  const oldBody = bodyNullable ? 'NULL' : `''`;
  return {
    provider: `'vital'`,
    delivery_key: `'vital:msg_retained_' || n`,
    event_type: `'daily.data.heartrate.created'`,
    state,
    body: `CASE WHEN ${old} AND n % ${DEAD_EVERY} > 1 THEN ${oldBody} ELSE ${d.body} END`,
    issues: `CASE WHEN n % ${DEAD_EVERY} = 1 THEN '[{"path":"/data","message":"bench: quarantined"}]' ELSE NULL END`,
    received_at: d.t,
    attempts: `CASE WHEN n % ${DEAD_EVERY} = 1 THEN 0 WHEN n % ${DEAD_EVERY} = 0 THEN 8 ELSE 1 END`,
    next_attempt_at: d.t,
    last_error: `CASE WHEN n % ${DEAD_EVERY} = 0 THEN 'bench: the handler failed' ELSE NULL END`,
    finished_at: `CASE WHEN n % ${DEAD_EVERY} = 1 THEN NULL ELSE ${d.finishedAt} END`,
  };
}

function plan(columns: readonly Column[], d: Dialect): { names: string[]; exprs: string[]; defaulted: string[]; bodyNullable: boolean } {
  const body = columns.find((c) => c.name === 'body');
  if (body === undefined) throw new Error('prefill: wearhook_deliveries has no body column; update bench/lib/inbox-stores.ts');
  const values = columnValues(d, body.nullable);
  const names: string[] = [];
  const exprs: string[] = [];
  const defaulted: string[] = [];
  for (const column of columns) {
    const expr = values[column.name];
    if (expr !== undefined) {
      names.push(column.name);
      exprs.push(expr);
    } else if (column.nullable || column.hasDefault) {
      defaulted.push(column.name);
    } else {
      throw new Error(`prefill: wearhook_deliveries.${column.name} is NOT NULL without a default; give it a value in bench/lib/inbox-stores.ts`);
    }
  }
  for (const name of Object.keys(values)) if (!columns.some((c) => c.name === name)) throw new Error(`prefill: wearhook_deliveries has no ${name} column any more; update bench/lib/inbox-stores.ts`);
  return { names, exprs, defaulted, bodyNullable: body.nullable };
}

function bodiesNote(bodyNullable: boolean, recentRows: number, rows: number): string {
  return bodyNullable
    ? `${recentRows.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} with their 2.5 KB body (received within the body retention), the other completed ones without (as the purge leaves them)`
    : `body is NOT NULL in this schema: ${recentRows.toLocaleString('en-US')} with their 2.5 KB body, the older completed ones with an empty body standing in for a purged one`;
}

/** Receipt times: spread evenly over the retention window (minus a margin), newest first by `n`. */
function spread(rows: number): { stepMs: number; recentRows: number } {
  const stepMs = (DEFAULT_RETENTION_MS - MARGIN_MS) / rows;
  return { stepMs, recentRows: Math.min(rows, Math.floor(DEFAULT_BODY_RETENTION_MS / stepMs)) };
}

/** Migrates a new SQLite file with the store itself, then adds `rows` retained deliveries in one transaction. */
export async function prefillSqlite(filename: string, rows: number, body: string): Promise<PrefillResult> {
  const started = performance.now();
  const store = await createSqliteStore({ filename });
  await store.close();
  const driver = await loadSqliteDriver();
  const db = driver.open(filename);
  try {
    const columns: Column[] = db
      .prepare('PRAGMA table_info(wearhook_deliveries)')
      .all()
      .filter((r) => Number(r.pk) === 0)
      .map((r) => ({ name: String(r.name), nullable: Number(r.notnull) === 0, hasDefault: r.dflt_value !== null }));
    const now = Date.now();
    const { stepMs, recentRows } = spread(rows);
    const d: Dialect = { t: `CAST(:now - n * :step AS INTEGER)`, body: ':body', finishedAt: `CAST(:now - n * :step AS INTEGER) + 50` };
    const p = plan(columns, d);
    db.exec('PRAGMA synchronous = OFF');
    db.exec('BEGIN');
    // Oldest first, so ids grow with receipt time as they would have.
    db.prepare(
      `WITH RECURSIVE seq(n) AS (SELECT :rows UNION ALL SELECT n - 1 FROM seq WHERE n > 1)
       INSERT INTO wearhook_deliveries (${p.names.join(', ')}) SELECT ${p.exprs.join(', ')} FROM seq`,
    ).run({ rows, now, step: stepMs, recentRows, body });
    db.exec('COMMIT');
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return { rows, seconds: (performance.now() - started) / 1000, bodies: bodiesNote(p.bodyNullable, recentRows, rows), defaulted: p.defaulted };
  } finally {
    db.close();
  }
}

export interface BenchDatabase {
  /** The connection string of the new database. */
  readonly url: string;
  /** Drops the database (whoever is still connected is disconnected). */
  drop(): Promise<void>;
}

/** A new, empty database on the server of `adminUrl`, for one subject. */
export async function createBenchDatabase(adminUrl: string, label: string): Promise<BenchDatabase> {
  const name = `wearhook_bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = createPostgresStore({ connectionString: adminUrl, migrate: false, onPoolError: () => {} });
  try {
    await admin.pool.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const again = createPostgresStore({ connectionString: adminUrl, migrate: false, onPoolError: () => {} });
      try {
        await again.pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await again.close();
      }
    },
  };
}

/** Runs the store's migrations on `url`, then adds `rows` retained deliveries with one INSERT … SELECT, then VACUUM ANALYZE (a week-old table has been autovacuumed). */
export async function prefillPostgres(url: string, rows: number, body: string): Promise<PrefillResult> {
  const started = performance.now();
  const store = createPostgresStore({ connectionString: url, migrate: false, onPoolError: () => {} });
  try {
    await migrate(store.pool);
    if (rows > 0) {
      const { rows: info } = await store.pool.query<{ column_name: string; is_nullable: string; column_default: string | null }>(
        `SELECT column_name, is_nullable, column_default FROM information_schema.columns
         WHERE table_name = 'wearhook_deliveries' AND table_schema = current_schema() ORDER BY ordinal_position`,
      );
      const columns: Column[] = info.filter((c) => c.column_name !== 'id').map((c) => ({ name: c.column_name, nullable: c.is_nullable === 'YES', hasDefault: c.column_default !== null }));
      const now = Date.now();
      const { stepMs, recentRows } = spread(rows);
      const t = `to_timestamp(($2::double precision - n * $3::double precision) / 1000.0)`;
      const d: Dialect = { t, body: '$4', finishedAt: `${t} + interval '50 milliseconds'` };
      const p = plan(columns, d);
      const sql = `INSERT INTO wearhook_deliveries (${p.names.join(', ')})
         SELECT ${p.exprs.join(', ').replaceAll(':recentRows', '$5')} FROM generate_series($1::integer, 1, -1) AS n`;
      await store.pool.query(sql, [rows, now, stepMs, body, recentRows]);
      await store.pool.query('VACUUM ANALYZE wearhook_deliveries');
      return { rows, seconds: (performance.now() - started) / 1000, bodies: bodiesNote(p.bodyNullable, recentRows, rows), defaulted: p.defaulted };
    }
    return { rows: 0, seconds: (performance.now() - started) / 1000, bodies: '', defaulted: [] };
  } finally {
    await store.close();
  }
}
