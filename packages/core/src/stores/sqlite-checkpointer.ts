import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { SQLITE_EXPERIMENTAL_WARNING, type SqliteDriverName } from './sqlite-driver.js';

/**
 * Checkpoints a WAL database from a second connection on a worker thread, so the store's own
 * connection can run with `wal_autocheckpoint = 0`: a checkpoint copies the WAL into the database file
 * and fsyncs it, which on a busy disk takes tens to hundreds of milliseconds, and would otherwise run
 * inside a COMMIT on the event loop. PASSIVE never blocks writers or readers; what it cannot copy now
 * it copies on a later round.
 *
 * The worker is inline code (no file), so a bundler has nothing to resolve and nothing to keep
 * external; it loads the same driver by absolute path (or `node:sqlite`).
 */
export interface SqliteCheckpointer {
  /** Stops the worker after its current round. */
  stop(): Promise<void>;
}

// The connection is opened for each round and closed right after: a process that exits without
// closing the store must not tear down a worker holding an open native database handle.
// Under writes that never pause, PASSIVE copies all but the last few frames each round, and SQLite
// starts the WAL over only once every frame has been copied: the WAL grows for as long as the writes go
// on. Past the limit, a TRUNCATE checkpoint copies the rest and empties the file. It holds writers off
// while it runs and while it waits for readers, so it waits for them at most TRUNCATE_WAIT_MS (the
// store's writes retry meanwhile); a reader that keeps an old snapshot open (another process, a backup)
// makes it fail, and then it is not tried again for a while (doubling, up to a minute), so such a reader
// costs writes one short wait now and then, not every round.
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
// Node 22's warning that node:sqlite is experimental, once more from this thread: dropped while the
// driver loads, as on the main thread (withoutSqliteExperimentalWarning). Not with execArgv: given
// execArgv, Node refuses a worker whose app runs with process-wide flags (--max-old-space-size).
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0] && rest[0].type;
  const message = typeof warning === 'string' ? warning : warning && warning.message;
  if (type === 'ExperimentalWarning' && typeof message === 'string' && message.startsWith(${JSON.stringify(SQLITE_EXPERIMENTAL_WARNING)})) return;
  return emitWarning.call(process, warning, ...rest);
};
let DatabaseSync;
try {
  ({ DatabaseSync } = require(workerData.driver));
} finally {
  process.emitWarning = emitWarning;
}
const TRUNCATE_WAIT_MS = 50;
const MAX_TRUNCATE_PAUSE_MS = 60000;
let truncatePauseMs = 0;
let truncateAfter = 0;
function walBytes() {
  try { return statSync(workerData.filename + '-wal').size; } catch { return 0; }
}
function truncate(db) {
  if (Date.now() < truncateAfter || walBytes() <= workerData.walSizeLimitBytes) return;
  db.exec('PRAGMA busy_timeout = ' + TRUNCATE_WAIT_MS);
  let done = false;
  try {
    done = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get().busy === 0;
  } catch {}
  truncatePauseMs = done ? 0 : Math.min(Math.max(truncatePauseMs * 2, 1000), MAX_TRUNCATE_PAUSE_MS);
  truncateAfter = Date.now() + truncatePauseMs;
}
function round() {
  let db;
  try {
    db = new DatabaseSync(workerData.filename);
    db.exec('PRAGMA busy_timeout = 1000');
    db.exec('PRAGMA synchronous = FULL');
    db.prepare('PRAGMA wal_checkpoint(PASSIVE)').get();
    truncate(db);
  } catch {
    // Busy or I/O: the next round retries.
  } finally {
    try { if (db !== undefined) db.close(); } catch {}
  }
}
const timer = setInterval(round, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  round();
  parentPort.close();
});
`;

/** Starts the checkpoint worker; undefined when the driver cannot be located for a worker. */
export function startSqliteCheckpointer(
  filename: string,
  driver: SqliteDriverName,
  intervalMs: number,
  walSizeLimitBytes: number,
  onFailure: () => void,
): SqliteCheckpointer | undefined {
  let specifier: string;
  try {
    specifier = driver === 'node:sqlite' ? 'node:sqlite' : createRequire(import.meta.url).resolve(driver);
  } catch {
    return undefined;
  }
  const worker = new Worker(WORKER_CODE, {
    eval: true,
    workerData: { driver: specifier, filename, intervalMs, walSizeLimitBytes },
  });
  // Checkpointing never keeps a process alive.
  worker.unref();
  let stopping = false;
  // A worker that fails hands checkpointing back to the store's connection (`onFailure`).
  worker.on('error', () => {});
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      if (!stopping) onFailure();
      resolve();
    }),
  );
  return {
    stop: async () => {
      stopping = true;
      // Keep the process alive until the worker has finished its last round.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
