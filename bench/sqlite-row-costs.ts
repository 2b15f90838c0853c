// What one delivery costs inside SQLite, statement by statement: the SQLite store's own statements and
// schema (sqlite-statements.ts, sqlite-migrations.ts) on one connection in WAL mode, without the store's
// JavaScript, HTTP or fsync (synchronous = NORMAL, checkpoints inline every 2,000 deliveries): insert
// (leased at insert, as in-process dispatch does), completion, and the two COMMITs, in batches of 20
// (what group commit reaches under load in the inbox benchmark), after N deliveries are already
// retained. Keys time-ordered (Vital's svix ids) or hashed (Thryve's and Terra's: sha256 of the body),
// because a hashed key lands on a random page of the unique index.
// Not part of `pnpm bench`: for comparing schema or statement changes.
//   tsx --conditions=wearhook:source bench/sqlite-row-costs.ts [--retained=100000] [--deliveries=20000] [--cache-kib=N]
// The retained rows are filled once per (keys, retained) pair into bench/node_modules/.cache/wearhook-bench/
// sqlite-row-costs (a million take half a minute), and each run measures on a copy.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from './lib/child.js';
import { fixed, textTable } from './lib/format.js';
import { loadSqliteDriver, type SqliteDatabase } from '../packages/core/src/stores/sqlite-driver.js';
import { migrateSqlite } from '../packages/core/src/stores/sqlite-migrations.js';
import { SQLITE_STATEMENTS } from '../packages/core/src/stores/sqlite-statements.js';

const option = (name: string, fallback: number): number => {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return given === undefined ? fallback : Number(given.slice(name.length + 3));
};
const RETAINED = option('retained', 100_000);
const DELIVERIES = option('deliveries', 20_000);
const CACHE_KIB = option('cache-kib', 0);
const BATCH = 20;
const BODY = JSON.stringify({ data: 'x'.repeat(2_450) });
const WORKER = 'bench-worker';

type KeyOrder = 'time-ordered' | 'hashed';
const keyOf = (order: KeyOrder, n: number): string =>
  order === 'hashed' ? `thryve:${createHash('sha256').update(`delivery ${n}`).digest('hex')}` : `vital:msg_${String(n).padStart(12, '0')}`;

interface Costs {
  insert: number;
  complete: number;
  commits: number;
  cpuUser: number;
  cpuSystem: number;
}

const driver = await loadSqliteDriver('auto');
const dir = join(CACHE_DIR, 'sqlite-row-costs');
mkdirSync(dir, { recursive: true });

function open(file: string): SqliteDatabase {
  const db = driver.open(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  migrateSqlite(db);
  return db;
}

/** A copy of the database holding `RETAINED` completed deliveries of this key order (filled once). */
function retainedDatabase(order: KeyOrder): SqliteDatabase {
  const template = join(dir, `${order}-${RETAINED}.db`);
  if (!existsSync(template)) {
    const db = open(template);
    const insert = db.prepare(SQLITE_STATEMENTS.insertDelivery);
    const now = Date.now();
    db.exec('BEGIN');
    for (let n = 0; n < RETAINED; n++) insert.get('thryve', keyOf(order, n), 'e', 'completed', '{}', null, null, null, now, null, null, 1, now);
    db.exec('COMMIT');
    db.close();
  }
  const copy = join(dir, 'measured.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true });
  // Closed cleanly, the template holds everything in its main file (the last connection checkpoints).
  copyFileSync(template, copy);
  return open(copy);
}

/** Inserts and completes DELIVERIES new deliveries in batches; µs per delivery. */
function measure(order: KeyOrder, db: SqliteDatabase, firstKey: number): Costs {
  if (CACHE_KIB > 0) db.exec(`PRAGMA cache_size = -${CACHE_KIB}`);
  const insert = db.prepare(SQLITE_STATEMENTS.insertDelivery);
  const finish = db.prepare(SQLITE_STATEMENTS.finish);
  const costs: Costs = { insert: 0, complete: 0, commits: 0, cpuUser: 0, cpuSystem: 0 };
  const now = Date.now();
  const cpuAtStart = process.cpuUsage();
  const timed = (key: 'insert' | 'complete' | 'commits', work: () => void) => {
    const start = performance.now();
    work();
    costs[key] += performance.now() - start;
  };
  let n = firstKey;
  for (let done = 0; done < DELIVERIES; done += BATCH) {
    const ids: number[] = [];
    db.exec('BEGIN IMMEDIATE');
    timed('insert', () => {
      for (let i = 0; i < BATCH; i++, n++) {
        const row = insert.get('thryve', keyOf(order, n), 'e', 'pending', BODY, null, null, null, now, WORKER, now + 60_000, 1, now);
        ids.push(Number(row!.id));
      }
    });
    timed('commits', () => db.exec('COMMIT'));
    db.exec('BEGIN IMMEDIATE');
    timed('complete', () => {
      for (const id of ids) finish.run('completed', null, now, id, WORKER);
    });
    timed('commits', () => db.exec('COMMIT'));
    if (done % 2_000 === 0) db.prepare('PRAGMA wal_checkpoint(PASSIVE)').get();
  }
  const cpu = process.cpuUsage(cpuAtStart);
  const per = (ms: number) => (1000 * ms) / DELIVERIES;
  return { insert: per(costs.insert), complete: per(costs.complete), commits: per(costs.commits), cpuUser: cpu.user / DELIVERIES, cpuSystem: cpu.system / DELIVERIES };
}

const rows: string[][] = [];
for (const order of ['time-ordered', 'hashed'] as const) {
  const db = retainedDatabase(order);
  try {
    const costs = measure(order, db, RETAINED);
    rows.push([order, fixed(costs.insert), fixed(costs.complete), fixed(costs.commits), fixed(costs.insert + costs.complete + costs.commits), `${fixed(costs.cpuUser)} / ${fixed(costs.cpuSystem)}`]);
  } finally {
    db.close();
  }
}
console.log(
  textTable({
    title: `SQLite row costs, µs per delivery (${driver.name}, Node ${process.version}, ${RETAINED.toLocaleString('en-US')} retained, ${DELIVERIES.toLocaleString('en-US')} new in batches of ${BATCH}${CACHE_KIB > 0 ? `, cache_size ${CACHE_KIB} KiB` : ''})`,
    headers: ['keys', 'insert', 'completion', 'COMMITs (two)', 'sum', 'CPU user / system'],
    rows,
  }),
);
for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `measured.db${suffix}`), { force: true });
