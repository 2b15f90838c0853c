import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SchemaVersionError, StoreUnavailableError } from '@wearhook/core/stores';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, POSTGRES_MIGRATIONS } from '../src/migrations.js';
import { createPostgresStore } from '../src/postgres-store.js';
import { quoteIdentifier, sqlNames } from '../src/sql-names.js';
import { newDelivery } from '@wearhook/core/testing/store-contract';
import { schemaFactory } from './support/schemas.js';
import { acquirePostgres } from './support/test-server.js';

const server = await acquirePostgres(54330);

describe.skipIf(server === undefined)('PostgreSQL migrations', () => {
  const url = server?.url ?? '';
  const schemas = schemaFactory(url);
  afterAll(async () => {
    await schemas.end();
    await server?.stop();
  });

  const tablesIn = async (schema: string): Promise<string[]> => {
    const { rows } = await schemas.admin.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    return rows.map((r) => r.table_name);
  };

  it('creates the schema and tables once, even when many instances migrate at the same moment', async () => {
    const schema = schemas.name();
    const pools = Array.from({ length: 5 }, () => new pg.Pool({ connectionString: url, max: 1 }));
    try {
      const results = await Promise.all(pools.map((pool) => migrate(pool, { schema })));
      expect(results.filter((r) => r.from === 0)).toHaveLength(1);
      for (const r of results) expect(r.to).toBe(POSTGRES_MIGRATIONS.length);
      expect(await tablesIn(schema)).toEqual(['wearhook_deliveries', 'wearhook_records', 'wearhook_schema_migrations']);
      expect(await migrate(pools[0]!, { schema })).toEqual({ from: POSTGRES_MIGRATIONS.length, to: POSTGRES_MIGRATIONS.length });
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
      await schemas.drop(schema);
    }
  });

  it('serialises migrations that name the same schema differently (default and explicit public)', async () => {
    const database = `wearhook_lock_${Date.now()}`;
    await schemas.admin.query(`CREATE DATABASE ${database}`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${database}`;
    const pools = Array.from({ length: 6 }, () => new pg.Pool({ connectionString: dbUrl.href, max: 1 }));
    try {
      const results = await Promise.all(pools.map((pool, i) => migrate(pool, i % 2 === 0 ? {} : { schema: 'public' })));
      expect(results.filter((r) => r.from === 0)).toHaveLength(1);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
      await schemas.admin.query(`DROP DATABASE ${database}`);
    }
  });

  it('migrates tables of schema version 1, keeping every delivery, id and record', async () => {
    const schema = schemas.name();
    const names = sqlNames(schema);
    const q = quoteIdentifier(schema);
    const admin = schemas.admin;
    const old = new Date(Date.now() - 8 * 24 * 60 * 60 * 1000);
    try {
      // The schema exactly as version 1 left it.
      await admin.query(`CREATE SCHEMA ${q}`);
      await admin.query(`CREATE TABLE ${names.migrations} (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      await admin.query(POSTGRES_MIGRATIONS[0]!(names));
      await admin.query(`INSERT INTO ${names.migrations} (version) VALUES (1)`);
      const insert = `INSERT INTO ${names.deliveries}
        (id, provider, delivery_key, event_type, state, body, issues, received_at, attempts, next_attempt_at, last_error, lease_owner, lease_until, finished_at)
        VALUES ($1, 'vital', $2, 'daily.data.sleep.created', $3, $4, $5, $6, $7, $6, $8, $9, $10, $11)`;
      const leaseUntil = new Date(Date.now() + 60_000);
      await admin.query(insert, [7, 'pending-leased', 'pending', '{"a":1}', null, old, 1, null, 'w1', leaseUntil, null]);
      await admin.query(insert, [9, 'done', 'completed', '{"a":2}', null, old, 1, null, null, null, old]);
      await admin.query(insert, [12, 'quarantined', 'quarantined', '{"a":3}', '[{"path":"/"}]', old, 0, null, null, null, null]);
      await admin.query(insert, [13, 'dead', 'dead', '{"a":4}', null, old, 5, 'gave up', null, null, old]);
      await admin.query(`SELECT setval(pg_get_serial_sequence('${names.deliveries}', 'id'), 13)`);
      await admin.query(
        `INSERT INTO ${names.records} VALUES ('vital', 'u1', 'k', 'r1', 2, '{"v":2}', $1, 1, $1)`,
        [old],
      );

      const store = createPostgresStore({ connectionString: url, schema });
      try {
        expect(await store.get('vital', 'pending-leased')).toMatchObject({
          id: '7', state: 'pending', attempts: 1, leaseOwner: 'w1', body: '{"a":1}', context: undefined, drift: undefined,
        });
        expect(await store.get('vital', 'quarantined')).toMatchObject({ id: '12', issues: [{ path: '/' }] });
        expect(await store.get('vital', 'dead')).toMatchObject({ id: '13', lastError: 'gave up', attempts: 5 });
        expect(await store.getRecords({ provider: 'vital', userId: 'u1' })).toMatchObject([{ key: 'r1', version: 2, data: { v: 2 } }]);
        expect(await store.putIfAbsent({ ...newDelivery(), deliveryKey: 'done' })).toEqual({ inserted: false });
        const next = await store.putIfAbsent(newDelivery({ context: { a: 'b' }, drift: ['d'] }));
        expect(Number((next as { id: string }).id)).toBeGreaterThan(13);
        expect(await store.purge({ olderThan: new Date(old.getTime() + 1) })).toEqual({ purged: 3, bodiesDropped: 0 });
      } finally {
        await store.close();
      }
      const { rows } = await admin.query<{ version: number }>(`SELECT max(version)::int AS version FROM ${names.migrations}`);
      expect(rows[0]?.version).toBe(POSTGRES_MIGRATIONS.length);
      const indexes = await admin.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'wearhook_deliveries' ORDER BY indexname`,
        [schema],
      );
      expect(indexes.rows.map((r) => r.indexname)).toEqual([
        'wearhook_deliveries_bodies',
        'wearhook_deliveries_dead',
        'wearhook_deliveries_due',
        'wearhook_deliveries_pkey',
        'wearhook_deliveries_provider_delivery_key_key',
        'wearhook_deliveries_retained',
      ]);
    } finally {
      await schemas.drop(schema);
    }
  });

  it('refuses tables migrated by a newer version', async () => {
    const schema = schemas.name();
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      await migrate(pool, { schema });
      await pool.query(`INSERT INTO ${quoteIdentifier(schema)}.wearhook_schema_migrations (version) VALUES (999)`);
      await expect(migrate(pool, { schema })).rejects.toBeInstanceOf(SchemaVersionError);
      // A store surfaces it as unavailable, with the reason as the cause.
      const store = createPostgresStore({ pool, schema });
      const error = await store.listDead({ limit: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).cause).toBeInstanceOf(SchemaVersionError);
      await store.close(); // leaves the borrowed pool open
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
      await schemas.drop(schema);
    }
  });

  it('needs no CREATE rights when the tables are up to date: a role with only read and write grants works', async () => {
    const schema = schemas.name();
    const role = `wearhook_rw_${schema.replace(/[^a-z0-9_]/gi, '').slice(-20)}`;
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      await migrate(pool, { schema });
      await schemas.admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'rw'`);
      await schemas.admin.query(`GRANT USAGE ON SCHEMA ${quoteIdentifier(schema)} TO ${role}`);
      await schemas.admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${quoteIdentifier(schema)} TO ${role}`);
      await schemas.admin.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${quoteIdentifier(schema)} TO ${role}`);
      const roleUrl = new URL(url);
      roleUrl.username = role;
      roleUrl.password = 'rw';
      const store = createPostgresStore({ connectionString: roleUrl.href, schema });
      try {
        const delivery = newDelivery();
        expect(await store.putIfAbsent(delivery)).toMatchObject({ inserted: true });
        expect((await store.get(delivery.provider, delivery.deliveryKey))?.deliveryKey).toBe(delivery.deliveryKey);
      } finally {
        await store.close();
      }
    } finally {
      await pool.end();
      await schemas.drop(schema);
      await schemas.admin.query(`DROP ROLE IF EXISTS ${role}`);
    }
  });

  it('does not migrate on first use with migrate: false', async () => {
    const schema = schemas.name();
    const store = createPostgresStore({ connectionString: url, schema, migrate: false });
    try {
      await expect(store.listDead({ limit: 1 })).rejects.toMatchObject({ message: expect.stringContaining('42P01') });
      expect(await tablesIn(schema)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('migrates from the command line (wearhook-postgres-migrate)', async () => {
    const schema = schemas.name();
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const run = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
      // Resolve workspace packages to their sources, as vitest does.
      promisify(execFile)(process.execPath, ['--conditions=wearhook:source', '--import', tsx, cli, ...args], { env });
    try {
      const first = await run(['--schema', schema], { ...process.env, DATABASE_URL: url });
      expect(first.stdout).toContain(`migrated from version 0 to ${POSTGRES_MIGRATIONS.length}`);
      const second = await run(['--url', url, '--schema', schema]);
      expect(second.stdout).toContain('up to date');
      expect(await tablesIn(schema)).toContain('wearhook_deliveries');

      const noUrl = await run([], { ...process.env, DATABASE_URL: '' }).catch((e: { code: number; stderr: string }) => e);
      expect(noUrl).toMatchObject({ code: 2, stderr: expect.stringContaining('DATABASE_URL') });
      const badUrl = 'postgres://wearhook:hunter2@127.0.0.1:1/postgres';
      const failed = await run(['--url', badUrl]).catch((e: { code: number; stderr: string }) => e);
      expect(failed).toMatchObject({ code: 1 });
      expect((failed as { stderr: string }).stderr).not.toContain('hunter2');
      // The URL given without --url: a usage error that does not print it.
      const positional = await run([badUrl]).catch((e: { code: number; stderr: string }) => e);
      expect(positional).toMatchObject({ code: 2, stderr: expect.stringContaining('--url') });
      expect((positional as { stderr: string }).stderr).not.toContain('hunter2');
    } finally {
      await schemas.drop(schema);
    }
  });
});
