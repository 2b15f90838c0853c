import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RETENTION_MS, loadSqliteDriver } from '@wearhook/core/stores';
import { createPostgresStore, migrate } from '@wearhook/store-postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createBenchDatabase, prefillPostgres, prefillSqlite, type BenchDatabase } from '../../bench/lib/inbox-stores.js';
import { acquirePostgres } from '../../packages/store-postgres/test/support/test-server.js';

// The benchmark's "already retained" state must be what the store itself would hold (final states,
// receipt times inside the retention window, so no purge touches it mid-run), and must keep working
// while the store's schema grows: unknown nullable columns are left alone, an unknown NOT NULL column
// without a default stops the prefill with its name.

const BODY = '{"event_type":"daily.data.heartrate.created"}';
const dirs: string[] = [];
const databases: BenchDatabase[] = [];
const server = await acquirePostgres(54329);

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  for (const db of databases) await db.drop();
  await server?.stop();
});

describe('the retained-deliveries prefill', () => {
  it('writes completed, dead and quarantined SQLite deliveries spread over the retention window, keys unique', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wearhook-prefill-'));
    dirs.push(dir);
    const file = join(dir, 'w.db');
    const before = Date.now();
    const result = await prefillSqlite(file, 4000, BODY);
    expect(result.rows).toBe(4000);

    const db = (await loadSqliteDriver()).open(file);
    try {
      const states = Object.fromEntries(db.prepare('SELECT state, count(*) AS n FROM wearhook_deliveries GROUP BY state').all().map((r) => [r.state, Number(r.n)]));
      expect(states).toEqual({ completed: 3996, dead: 2, quarantined: 2 });
      const span = db.prepare('SELECT min(received_at) AS oldest, max(received_at) AS newest, count(DISTINCT delivery_key) AS keys FROM wearhook_deliveries').get()!;
      expect(Number(span.keys)).toBe(4000);
      expect(Number(span.oldest)).toBeGreaterThan(before - DEFAULT_RETENTION_MS);
      expect(Number(span.newest)).toBeLessThanOrEqual(Date.now());
      // Newer rows keep the real body; the oldest completed ones do not (dropped or, on a NOT NULL body, empty).
      const newest = db.prepare('SELECT body FROM wearhook_deliveries ORDER BY received_at DESC LIMIT 1').get()!;
      expect(newest.body).toBe(BODY);
      const oldestCompleted = db.prepare("SELECT body FROM wearhook_deliveries WHERE state = 'completed' ORDER BY received_at LIMIT 1").get()!;
      expect([null, '']).toContain(oldestCompleted.body);
      const pending = db.prepare("SELECT count(*) AS n FROM wearhook_deliveries WHERE state = 'pending' OR lease_owner IS NOT NULL").get()!;
      expect(Number(pending.n)).toBe(0);
    } finally {
      db.close();
    }
  });

  describe.skipIf(server === undefined)('on PostgreSQL', () => {
    const migrated = async (label: string, alter?: string) => {
      const db = await createBenchDatabase(server!.url, label);
      databases.push(db);
      const store = createPostgresStore({ connectionString: db.url, migrate: false, onPoolError: () => {} });
      try {
        await migrate(store.pool);
        if (alter !== undefined) await store.pool.query(alter);
      } finally {
        await store.close();
      }
      return db;
    };

    it('leaves a column it does not know to its default when the column allows it', async () => {
      const db = await migrated('prefill_nullable', 'ALTER TABLE wearhook_deliveries ADD COLUMN bench_extra text');
      const result = await prefillPostgres(db.url, 3000, BODY);
      expect(result.defaulted).toContain('bench_extra');
      const store = createPostgresStore({ connectionString: db.url, migrate: false, onPoolError: () => {} });
      try {
        const { rows } = await store.pool.query<{ state: string; n: string }>('SELECT state, count(*) AS n FROM wearhook_deliveries GROUP BY state ORDER BY state');
        expect(rows.map((r) => [r.state, Number(r.n)])).toEqual([
          ['completed', 2997],
          ['dead', 1],
          ['quarantined', 2],
        ]);
      } finally {
        await store.close();
      }
    });

    it('stops with the name of a NOT NULL column it cannot fill', async () => {
      const db = await migrated('prefill_notnull', 'ALTER TABLE wearhook_deliveries ADD COLUMN bench_required text NOT NULL');
      await expect(prefillPostgres(db.url, 10, BODY)).rejects.toThrow(/wearhook_deliveries\.bench_required is NOT NULL without a default/);
    });
  });
});
