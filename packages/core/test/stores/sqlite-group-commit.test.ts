import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSqliteDriver, type SqliteDatabase } from '../../src/stores/sqlite-driver.js';
import { SqliteGroupCommit } from '../../src/stores/sqlite-group-commit.js';
import { createSqliteStore } from '../../src/stores/sqlite-store.js';
import { StoreUnavailableError } from '../../src/stores/store-unavailable-error.js';
import { tempDir } from './sqlite-test-support.js';
import { newDelivery } from '../../src/testing/store-contract.js';

let dir: ReturnType<typeof tempDir>;
let db: SqliteDatabase;
beforeEach(async () => {
  dir = tempDir();
  db = (await loadSqliteDriver()).open(join(dir.path, 'gc.db'));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('CREATE TABLE t (x INTEGER PRIMARY KEY)');
});
afterEach(() => {
  db.close();
  dir.remove();
});

/** A stand-in for the WAL fsync that the test completes by hand. */
function manualSync() {
  const pending: Array<(error: Error | null) => void> = [];
  return {
    sync: (done: (error: Error | null) => void) => void pending.push(done),
    pending,
  };
}

const settledYet = async (promise: Promise<unknown>): Promise<boolean> => {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  return settled;
};

describe('SQLite group commit with the fsync off the event loop', () => {
  it('acknowledges a committed batch only after the fsync that follows its COMMIT', async () => {
    const fsyncs = manualSync();
    const commits = new SqliteGroupCommit(db, { maxBatch: 100, lockWaitMs: 100, sync: fsyncs.sync });
    const insert = db.prepare('INSERT INTO t (x) VALUES ($x)');
    const first = [1, 2, 3].map((x) => commits.write('insert', () => insert.run({ x }).changes));
    expect(await settledYet(Promise.all(first))).toBe(false);
    expect(fsyncs.pending).toHaveLength(1);
    // Committed (visible) but not yet acknowledged.
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 3 });

    // A batch committed while that fsync runs waits for the next one.
    const second = commits.write('insert', () => insert.run({ x: 4 }).changes);
    expect(await settledYet(second)).toBe(false);
    expect(fsyncs.pending).toHaveLength(1);
    fsyncs.pending.shift()!(null);
    expect(await Promise.all(first)).toEqual([1, 1, 1]);
    expect(await settledYet(second)).toBe(false);
    expect(fsyncs.pending).toHaveLength(1);
    fsyncs.pending.shift()!(null);
    expect(await second).toBe(1);
  });

  it('rejects the batches of a failed fsync with StoreUnavailableError', async () => {
    const fsyncs = manualSync();
    const commits = new SqliteGroupCommit(db, { maxBatch: 100, lockWaitMs: 100, sync: fsyncs.sync });
    const insert = db.prepare('INSERT INTO t (x) VALUES ($x)');
    const writes = [5, 6].map((x) => commits.write('insert', () => insert.run({ x }).changes));
    await settledYet(Promise.all(writes));
    fsyncs.pending.shift()!(new Error('EIO'));
    for (const write of writes) await expect(write).rejects.toBeInstanceOf(StoreUnavailableError);
    // drain() waits for nothing more.
    await commits.drain();
  });

  it('splits a turn larger than maxBatch into several transactions, each write settled once', async () => {
    const commits = new SqliteGroupCommit(db, { maxBatch: 4, lockWaitMs: 100 });
    const insert = db.prepare('INSERT INTO t (x) VALUES ($x)');
    const transactionIds: number[] = [];
    let transaction = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, x) =>
        commits.write('insert', () => {
          // A new transaction starts with an empty savepoint stack; count them by the first write.
          if (x % 4 === 0) transaction += 1;
          transactionIds.push(transaction);
          return insert.run({ x: x + 100 }).changes;
        }),
      ),
    );
    expect(results).toEqual(Array(10).fill(1));
    expect(transactionIds).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3]);
  });

  it('reruns a batch with a refused write inside the same transaction, never giving the write lock away', async () => {
    const statements: string[] = [];
    const recording: SqliteDatabase = { exec: (sql) => (statements.push(sql), db.exec(sql)), prepare: (sql) => db.prepare(sql), close: () => db.close() };
    const commits = new SqliteGroupCommit(recording, { maxBatch: 100, lockWaitMs: 100 });
    const insert = db.prepare('INSERT INTO t (x) VALUES ($x)');
    const results = await Promise.allSettled([1, 2, 1, 3].map((x) => commits.write('insert', () => insert.run({ x }).changes)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(db.prepare('SELECT x FROM t ORDER BY x').all()).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }]);
    // One BEGIN and one COMMIT: another process could take the lock between a ROLLBACK and a new BEGIN.
    expect(statements.filter((sql) => /^(BEGIN\b.*|COMMIT|ROLLBACK)$/.test(sql))).toEqual(['BEGIN IMMEDIATE', 'COMMIT']);
  });
});

describe('SQLite checkpoints', () => {
  it('happen off the store connection: the database file grows while the store itself never checkpoints', async () => {
    const filename = join(dir.path, 'checkpointed.db');
    const store = await createSqliteStore({ filename });
    try {
      const before = statSync(filename).size;
      const body = JSON.stringify({ pad: 'x'.repeat(4000) });
      for (let round = 0; round < 10; round++) {
        await Promise.all(Array.from({ length: 50 }, () => store.putIfAbsent(newDelivery({ body }))));
      }
      // The store's own connection has wal_autocheckpoint = 0: only the checkpoint worker moves pages.
      const deadline = Date.now() + 5000;
      while (statSync(filename).size < before + 1_000_000 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(statSync(filename).size).toBeGreaterThan(before + 1_000_000);
    } finally {
      await store.close();
    }
  });
});
