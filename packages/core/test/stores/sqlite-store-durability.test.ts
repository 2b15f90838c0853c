import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSqliteDriver, type SqliteDatabase } from '../../src/stores/sqlite-driver.js';
import { SchemaVersionError, SQLITE_MIGRATIONS } from '../../src/stores/sqlite-migrations.js';
import { createSqliteStore } from '../../src/stores/sqlite-store.js';
import { StoreUnavailableError } from '../../src/stores/store-unavailable-error.js';
import { tempDir } from './sqlite-test-support.js';
import { INSERTED, newDelivery } from '../../src/testing/store-contract.js';

/** Runs a TypeScript fixture in a fresh Node process (the same Node that runs the tests). */
function runFixture(
  name: string,
  args: string[],
  options: { uid?: number; gid?: number; node?: string; nodeFlags?: string[]; env?: NodeJS.ProcessEnv } = {},
) {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const { node = process.execPath, nodeFlags = [], ...rest } = options;
  return spawnSync(node, [...nodeFlags, '--import', tsx, script, ...args], { encoding: 'utf8', ...rest });
}

/**
 * A Node binary the user can run. Node fetched by npx lives under /root, which `nobody` cannot enter;
 * a copy in the temp folder can run, so the test never has to be skipped.
 */
function nodeRunnableBy(ids: { uid?: number; gid?: number }, folder: string): string {
  if (spawnSync(process.execPath, ['--version'], ids).status === 0) return process.execPath;
  const copy = join(folder, 'node');
  chmodSync(folder, 0o755);
  copyFileSync(process.execPath, copy);
  chmodSync(copy, 0o755);
  return copy;
}

let dir: ReturnType<typeof tempDir>;
let filename: string;
beforeEach(() => {
  dir = tempDir();
  filename = join(dir.path, 'inbox.db');
});
afterEach(() => dir.remove());

/** A second, raw connection to the same file, like another process would have. */
async function rawConnection(): Promise<SqliteDatabase> {
  return (await loadSqliteDriver()).open(filename);
}

describe('SQLite store on disk', () => {
  it('uses WAL and records its schema version', async () => {
    const store = await createSqliteStore({ filename });
    await store.close();
    const db = await rawConnection();
    try {
      expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: SQLITE_MIGRATIONS.length });
    } finally {
      db.close();
    }
  });

  it('keeps a delivery that was acknowledged by a process killed right after', () => {
    const child = runFixture('put-then-die.ts', [filename, 'trace-1']);
    expect(child.signal, child.stderr).toBe('SIGKILL');
    return (async () => {
      const store = await createSqliteStore({ filename });
      try {
        expect((await store.get('terra', 'trace-1'))?.state).toBe('pending');
      } finally {
        await store.close();
      }
    })();
  });

  it('loses a whole group commit when the process dies before its COMMIT, and nothing committed before it', async () => {
    const child = runFixture('put-batch-then-die.ts', [filename, 'crash'], {
      env: { ...process.env, NODE_ENV: 'test', WEARHOOK_TEST_FAULT: 'kill-before-commit' },
    });
    expect(child.signal, child.stdout + child.stderr).toBe('SIGKILL');
    expect(child.stdout).toContain('committed crash-alone');
    const store = await createSqliteStore({ filename });
    try {
      expect((await store.get('vital', 'crash-alone'))?.state).toBe('pending');
      // None of the batch was acknowledged, and none of it is half there.
      for (let i = 0; i < 5; i++) expect(await store.get('vital', `crash-batch-${i}`)).toBeUndefined();
      expect(await store.putIfAbsent({ ...newDelivery(), deliveryKey: 'crash-batch-0' })).toEqual(INSERTED);
    } finally {
      await store.close();
    }
  });

  it('ignores the fault hook outside NODE_ENV=test', () => {
    const child = runFixture('put-batch-then-die.ts', [filename, 'prod'], {
      env: { ...process.env, NODE_ENV: 'production', WEARHOOK_TEST_FAULT: 'kill-before-commit' },
    });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout).toContain('the batch was committed');
  });

  it('commits through a symlinked database file, whose -wal file is beside the file it leads to', async () => {
    mkdirSync(join(dir.path, 'real'));
    symlinkSync(join(dir.path, 'real', 'db.sqlite'), join(dir.path, 'link.sqlite'));
    writeFileSync(join(dir.path, 'real', 'db.sqlite'), '');
    const store = await createSqliteStore({ filename: join(dir.path, 'link.sqlite') });
    try {
      const delivery = newDelivery();
      expect(await store.putIfAbsent(delivery)).toEqual(INSERTED);
      expect((await store.get(delivery.provider, delivery.deliveryKey))?.deliveryKey).toBe(delivery.deliveryKey);
    } finally {
      await store.close();
    }
  });

  it("prints no warning that node:sqlite is experimental, from either of its threads (Node 22 prints one; the 22.13 lane is where this can fail)", () => {
    const child = runFixture('open-and-put.ts', [filename]);
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ open: 'ok', put: 'ok' });
    expect(child.stderr).not.toMatch(/ExperimentalWarning/);
  });

  it('opens in an app started with process-wide Node flags, which a worker given execArgv refuses', () => {
    const child = runFixture('open-and-put.ts', [filename], { nodeFlags: ['--max-old-space-size=512', '--stack-size=2000'] });
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ open: 'ok', put: 'ok' });
  });

  it('migrates once: reopening keeps data and schema', async () => {
    const first = await createSqliteStore({ filename });
    const delivery = newDelivery();
    await first.putIfAbsent(delivery);
    await first.close();
    const second = await createSqliteStore({ filename });
    expect((await second.get(delivery.provider, delivery.deliveryKey))?.body).toBe(delivery.body);
    await second.close();
  });

  it('migrates a database of schema version 1, keeping every delivery, id and record', async () => {
    const db = await rawConnection();
    db.exec(SQLITE_MIGRATIONS[0]!);
    db.exec('PRAGMA user_version = 1');
    const insert = db.prepare(`
      INSERT INTO wearhook_deliveries
        (id, provider, delivery_key, event_type, state, body, issues, received_at, attempts, next_attempt_at,
         last_error, lease_owner, lease_until, finished_at)
      VALUES ($id, 'vital', $key, 'daily.data.sleep.created', $state, $body, $issues, $received, $attempts, $received,
         $error, $owner, $until, $finished)`);
    const day = 24 * 60 * 60 * 1000;
    const old = Date.now() - 8 * day;
    const rows = [
      { id: 7, key: 'pending-leased', state: 'pending', attempts: 1, owner: 'w1', until: Date.now() + 60_000, finished: null, error: null, issues: null },
      { id: 9, key: 'done', state: 'completed', attempts: 1, owner: null, until: null, finished: old, error: null, issues: null },
      { id: 12, key: 'quarantined', state: 'quarantined', attempts: 0, owner: null, until: null, finished: null, error: null, issues: '[{"path":"/"}]' },
      { id: 13, key: 'dead', state: 'dead', attempts: 5, owner: null, until: null, finished: old, error: 'gave up', issues: null },
    ];
    for (const row of rows) insert.run({ ...row, body: `{"key":"${row.key}"}`, received: old });
    db.exec(`INSERT INTO wearhook_records VALUES ('vital', 'u1', 'k', 'r1', 2, '{"v":2}', ${old}, 1, ${old})`);
    db.close();

    const store = await createSqliteStore({ filename });
    try {
      expect(await store.get('vital', 'pending-leased')).toMatchObject({
        id: '7', state: 'pending', attempts: 1, leaseOwner: 'w1', body: '{"key":"pending-leased"}', context: undefined, drift: undefined,
      });
      expect(await store.get('vital', 'quarantined')).toMatchObject({ id: '12', issues: [{ path: '/' }] });
      expect(await store.get('vital', 'dead')).toMatchObject({ id: '13', lastError: 'gave up', attempts: 5 });
      expect(await store.getRecords({ provider: 'vital', userId: 'u1' })).toMatchObject([{ key: 'r1', version: 2, data: { v: 2 } }]);
      // Old keys still deduplicate; new ids continue after the old ones.
      expect(await store.putIfAbsent({ ...newDelivery(), deliveryKey: 'done' })).toEqual({ inserted: false });
      const next = await store.putIfAbsent(newDelivery({ context: { a: 'b' } }));
      expect(Number((next as { id: string }).id)).toBeGreaterThan(13);
      // The new retention applies to the old rows: completed, dead and quarantined ones are purged.
      expect(await store.purge({ olderThan: new Date(old + 1) })).toEqual({ purged: 3, bodiesDropped: 0 });
      expect((await store.get('vital', 'pending-leased'))?.state).toBe('pending');
    } finally {
      await store.close();
    }
    const check = await rawConnection();
    try {
      expect(check.prepare('PRAGMA user_version').get()).toEqual({ user_version: SQLITE_MIGRATIONS.length });
      const indexes = check.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'wearhook_deliveries' ORDER BY name`).all();
      expect(indexes.map((row) => row.name)).toEqual([
        'sqlite_autoindex_wearhook_deliveries_1',
        'wearhook_deliveries_bodies',
        'wearhook_deliveries_dead',
        'wearhook_deliveries_due',
        'wearhook_deliveries_retained',
      ]);
    } finally {
      check.close();
    }
  });

  it('refuses a database from a newer wearhook', async () => {
    const db = await rawConnection();
    db.exec(`PRAGMA user_version = ${SQLITE_MIGRATIONS.length + 1}`);
    db.close();
    await expect(createSqliteStore({ filename })).rejects.toBeInstanceOf(SchemaVersionError);
  });
});

describe('SQLite WAL size', () => {
  // The checkpointer copies the WAL into the database every 100 ms, but under writes that never pause
  // it never catches up with the WAL's end, so SQLite never starts the WAL over: it grew to 322 MB
  // against a 245 MB database in a 60,000-put run, and stayed that size after.
  it('stays near walSizeLimitBytes under writes that never pause, and every write commits', async () => {
    const limit = 1024 * 1024;
    const store = await createSqliteStore({ filename, walSizeLimitBytes: limit });
    const body = JSON.stringify({ event_type: 'daily.data.sleep.created', padding: 'x'.repeat(6000) });
    let largest = 0;
    const puts: Promise<unknown>[] = [];
    try {
      // A write every millisecond for 3 s, each 6 KB (about 0.6 MB per 100 ms checkpoint round): there is
      // always a commit newer than what the last round copied.
      const until = Date.now() + 3000;
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          puts.push(store.putIfAbsent(newDelivery({ body })));
          try {
            largest = Math.max(largest, statSync(`${filename}-wal`).size);
          } catch {
            // Not created yet.
          }
          if (Date.now() >= until) {
            clearInterval(timer);
            resolve();
          }
        }, 1);
      });
      const results = (await Promise.all(puts)) as { inserted: boolean }[];
      expect(results.every((result) => result.inserted)).toBe(true);
    } finally {
      await store.close();
    }
    expect(puts.length).toBeGreaterThan(1000);
    // The limit, plus what arrives between two checkpoint rounds (~2 MB here; without the truncating
    // checkpoint the file reached 67 MB in this test).
    expect(largest).toBeLessThan(8 * limit);
  }, 60_000);
});

describe('SQLite WAL size with a reader that keeps an old snapshot', () => {
  // The truncating checkpoint waits for readers while it holds writers off: with a reader that never
  // finishes (another process, a backup), retried every round, it made 380 of 394 writes fail.
  it('never fails a write, and delays one by at most a short wait now and then', async () => {
    const store = await createSqliteStore({ filename, walSizeLimitBytes: 256 * 1024 });
    const body = JSON.stringify({ event_type: 'daily.data.sleep.created', padding: 'x'.repeat(6000) });
    await store.putIfAbsent(newDelivery({ body }));
    const reader = await rawConnection();
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) AS n FROM sqlite_master').get();
    const latencies: number[] = [];
    const puts: Promise<unknown>[] = [];
    try {
      const until = Date.now() + 2500;
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          const started = performance.now();
          puts.push(store.putIfAbsent(newDelivery({ body })).then(() => latencies.push(performance.now() - started)));
          if (Date.now() >= until) {
            clearInterval(timer);
            resolve();
          }
        }, 10);
      });
      await Promise.all(puts);
    } finally {
      reader.exec('COMMIT');
      reader.close();
      await store.close();
    }
    expect(latencies).toHaveLength(puts.length);
    expect(Math.max(...latencies)).toBeLessThan(500);
  }, 30_000);
});

describe('SQLite store opened while another process migrates the file', () => {
  // A large file of an older schema took 11.6 s (200,000 rows) to migrate: a second process started
  // meanwhile gave up after busyTimeoutMs (1.5 s) and failed to start.
  it('waits for the lock without blocking the event loop, then opens', async () => {
    const first = await createSqliteStore({ filename });
    await first.close();
    // Another connection in the middle of a migration: it holds the write lock for 2.5 s.
    const other = await rawConnection();
    other.exec('BEGIN IMMEDIATE');
    const release = setTimeout(() => {
      other.exec('COMMIT');
      other.close();
    }, 2500);
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 10);
    const started = performance.now();
    try {
      const store = await createSqliteStore({ filename });
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThan(2000);
      expect(await store.putIfAbsent(newDelivery())).toMatchObject(INSERTED);
      await store.close();
    } finally {
      clearTimeout(release);
      clearInterval(ticker);
    }
    expect(longestGap).toBeLessThan(500);
  }, 30_000);

  it('gives up after openTimeoutMs with StoreUnavailableError', async () => {
    (await createSqliteStore({ filename })).close();
    const other = await rawConnection();
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    try {
      await expect(createSqliteStore({ filename, openTimeoutMs: 200 })).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(performance.now() - started).toBeLessThan(1500);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });
});

describe('SQLite store that cannot write', () => {
  it('fails with StoreUnavailableError when another connection holds the lock beyond the busy timeout', async () => {
    const store = await createSqliteStore({ filename, busyTimeoutMs: 20 });
    const other = await rawConnection();
    other.exec('BEGIN IMMEDIATE');
    try {
      const attempt = store.putIfAbsent(newDelivery());
      await expect(attempt).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(attempt).rejects.toMatchObject({ code: 'store_unavailable', status: 503 });
      await expect(store.upsertRecords('vital', [{ kind: 'k', userId: 'u', key: 'x', version: 1, data: 1 }])).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    // The lock is gone: the same store works again.
    expect(await store.putIfAbsent(newDelivery())).toEqual(INSERTED);
    await store.close();
  });

  it('fails with StoreUnavailableError when the file cannot be opened', async () => {
    await expect(createSqliteStore({ filename: join(dir.path, 'missing-dir', 'inbox.db') })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    mkdirSync(join(dir.path, 'a-directory.db'));
    await expect(createSqliteStore({ filename: join(dir.path, 'a-directory.db') })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    writeFileSync(join(dir.path, 'garbage.db'), 'this is not a database file, just text that is long enough '.repeat(20));
    await expect(createSqliteStore({ filename: join(dir.path, 'garbage.db') })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });

  it('fails with StoreUnavailableError when the database is closed under it', async () => {
    const store = await createSqliteStore({ filename });
    await store.close();
    await expect(store.putIfAbsent(newDelivery())).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('fails with StoreUnavailableError when the file and its directory are read-only', async () => {
    // Root ignores file modes, so as root the attempt runs as the unprivileged user `nobody`.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const binFolder = tempDir();
    const node = nodeRunnableBy(asNobody, binFolder.path);
    const store = await createSqliteStore({ filename });
    await store.close();
    chmodSync(filename, 0o444);
    chmodSync(dir.path, 0o555);
    try {
      const child = runFixture('open-and-put.ts', [filename], { ...asNobody, node });
      expect(child.status, child.stderr).toBe(0);
      const outcome = JSON.parse(child.stdout) as { open: string; put?: string };
      // Either stage may notice first, depending on the driver; neither may succeed.
      expect(outcome.open === 'StoreUnavailableError' || outcome.put === 'StoreUnavailableError', child.stdout).toBe(true);
      expect(outcome.put).not.toBe('ok');
    } finally {
      chmodSync(dir.path, 0o755);
      binFolder.remove();
    }
  });
});
