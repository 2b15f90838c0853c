import type { SqliteDatabase } from './sqlite-driver.js';
import { StoreUnavailableError } from './store-unavailable-error.js';
import type { CommitFault } from './test-faults.js';

export interface SqliteGroupCommitOptions {
  /** At most this many writes share one transaction. */
  readonly maxBatch: number;
  /** How long a write may wait for another connection's write lock before it is rejected. */
  readonly lockWaitMs: number;
  readonly fault?: CommitFault | undefined;
  /**
   * Makes committed transactions durable without blocking the event loop (an fsync of the WAL on
   * libuv's thread pool), for a connection with `synchronous = NORMAL`. Without it, COMMIT itself must
   * be durable (`synchronous = FULL`).
   */
  readonly sync?: ((done: (error: Error | null) => void) => void) | undefined;
}

interface PendingWrite {
  readonly operation: string;
  readonly work: () => unknown;
  readonly deadline: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Backoff between attempts to take a lock another connection holds: short, so the wait adds little. */
const FIRST_RETRY_MS = 1;
const MAX_RETRY_MS = 16;

/**
 * Group commit on one SQLite connection whose busy_timeout is 0. Writes queued during one event-loop
 * turn run in one `BEGIN IMMEDIATE` transaction on the next turn (`setImmediate`: after every I/O
 * callback of the turn, so all requests parsed in it are grouped; no timer adds latency); when a
 * write fails the batch is rerun with a SAVEPOINT per write, so a write the database refuses rejects
 * alone. One COMMIT, one fsync (off the
 * event loop when `sync` is given), then every promise of the batch settles. When another connection holds the write lock, BEGIN fails at once and
 * the batch is retried on a short timer backoff, never blocking the event loop; a write still waiting
 * at its deadline is rejected with `StoreUnavailableError` (the receiver answers 503).
 */
export class SqliteGroupCommit {
  private readonly queue: PendingWrite[] = [];
  private scheduled: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private retryMs = FIRST_RETRY_MS;
  private drained: Array<() => void> = [];
  /** Committed batches waiting for the next fsync, and whether one is running. */
  private unsynced: Array<() => void> = [];
  private failUnsynced: Array<(error: Error) => void> = [];
  private syncing = false;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly options: SqliteGroupCommitOptions,
  ) {}

  /** Queues `work` (synchronous statements) for the next group commit; settles after that commit. */
  write<T>(operation: string, work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        operation,
        work,
        deadline: Date.now() + this.options.lockWaitMs,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      if (this.scheduled === undefined) this.scheduled = setImmediate(() => this.flush());
    });
  }

  /** Resolves once every queued write has been committed or rejected (graceful shutdown). */
  drain(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private idle(): boolean {
    return this.queue.length === 0 && this.scheduled === undefined && !this.syncing && this.unsynced.length === 0;
  }

  private settleDrained(): void {
    if (this.idle()) for (const resolve of this.drained.splice(0)) resolve();
  }

  private flush(): void {
    this.scheduled = undefined;
    const batch = this.queue.splice(0, this.options.maxBatch);
    if (batch.length > 0 && this.begin(batch)) {
      let outcomes: Outcome[] | undefined;
      try {
        outcomes = this.runAll(batch);
      } catch (error) {
        // SAVEPOINT or RELEASE itself failed (disk full, I/O): nothing of the batch is kept.
        this.rollbackQuietly();
        rejectAll(batch, error, 'write');
        outcomes = undefined;
      }
      if (outcomes !== undefined) this.commit(batch, outcomes);
    }
    if (this.queue.length > 0) this.scheduled ??= setImmediate(() => this.flush());
    this.settleDrained();
  }

  /** Takes the write lock, or puts the batch back and schedules a retry. False when not begun. */
  private begin(batch: PendingWrite[]): boolean {
    try {
      this.db.exec('BEGIN IMMEDIATE');
      this.retryMs = FIRST_RETRY_MS;
      return true;
    } catch (error) {
      if (!isBusy(error)) {
        rejectAll(batch, error, 'begin a transaction');
        return false;
      }
      const now = Date.now();
      const waiting = batch.filter((write) => write.deadline > now);
      rejectAll(
        batch.filter((write) => write.deadline <= now),
        error,
        `take the write lock within ${this.options.lockWaitMs} ms (another connection holds it)`,
      );
      this.queue.unshift(...waiting);
      if (this.queue.length > 0) {
        this.scheduled = setTimeout(() => this.flush(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
      }
      return false;
    }
  }

  /**
   * Runs the batch's writes; throws when the transaction itself was lost. First all in the one
   * transaction, with no savepoints: the common case, where nothing fails, then costs no statement
   * beyond the writes (a SAVEPOINT and a RELEASE per write were a third of the store's time). If one
   * write fails, that pass is rolled back and the batch runs again with a savepoint per write, so the
   * refused write fails alone and the others commit.
   */
  private runAll(batch: PendingWrite[]): Outcome[] {
    // One savepoint for the whole pass (two statements per batch, not per write), so that a failed pass
    // goes back to its start inside the transaction that holds the write lock: a ROLLBACK and a new
    // BEGIN IMMEDIATE let another process take the lock in between, and the whole batch failed.
    this.db.exec('SAVEPOINT wearhook_batch');
    const outcomes = this.runWithoutSavepoints(batch);
    if (outcomes === undefined) this.db.exec('ROLLBACK TO wearhook_batch');
    this.db.exec('RELEASE wearhook_batch');
    return outcomes ?? this.runInSavepoints(batch);
  }

  /** `undefined` as soon as one write throws (the pass is then rolled back by `runAll`). */
  private runWithoutSavepoints(batch: PendingWrite[]): Outcome[] | undefined {
    const outcomes: Outcome[] = [];
    for (const write of batch) {
      try {
        outcomes.push({ ok: true, value: write.work() });
      } catch {
        return undefined;
      }
    }
    return outcomes;
  }

  /** Runs each write in its own savepoint; throws when the transaction itself was lost. */
  private runInSavepoints(batch: PendingWrite[]): Outcome[] {
    const outcomes: Outcome[] = [];
    for (const write of batch) {
      this.db.exec('SAVEPOINT wearhook_write');
      try {
        const value = write.work();
        this.db.exec('RELEASE wearhook_write');
        outcomes.push({ ok: true, value });
      } catch (error) {
        try {
          this.db.exec('ROLLBACK TO wearhook_write');
          this.db.exec('RELEASE wearhook_write');
        } catch {
          // SQLite rolled the whole transaction back (disk full, I/O error): nothing of it survives.
          throw error;
        }
        outcomes.push({ ok: false, error });
      }
    }
    return outcomes;
  }

  private commit(batch: PendingWrite[], outcomes: Outcome[]): void {
    try {
      if (this.options.fault !== undefined) {
        try {
          this.options.fault.beforeCommit(batch.length);
        } catch (fault) {
          this.db.exec('ROLLBACK');
          throw fault;
        }
      }
      this.db.exec('COMMIT');
    } catch (error) {
      this.rollbackQuietly();
      rejectAll(batch, error, 'commit');
      return;
    }
    const settle = () => {
      for (const [index, write] of batch.entries()) {
        const outcome = outcomes[index]!;
        if (outcome.ok) write.resolve(outcome.value);
        else write.reject(unavailable(write.operation, outcome.error));
      }
    };
    if (this.options.sync === undefined) {
      settle();
      return;
    }
    this.unsynced.push(settle);
    this.failUnsynced.push((error) => rejectAll(batch, error, 'make the commit durable (fsync)'));
    this.syncNext();
  }

  /**
   * One fsync at a time; batches committed while it runs wait for the next one, which starts after
   * their COMMIT and so covers their WAL frames.
   */
  private syncNext(): void {
    if (this.syncing || this.unsynced.length === 0) return;
    this.syncing = true;
    const settle = this.unsynced.splice(0);
    const fail = this.failUnsynced.splice(0);
    this.options.sync!((error) => {
      this.syncing = false;
      if (error === null) for (const each of settle) each();
      else for (const each of fail) each(error);
      this.syncNext();
      this.settleDrained();
    });
  }

  private rollbackQuietly(): void {
    try {
      this.db.exec('ROLLBACK');
    } catch {
      // Already rolled back by SQLite (or by the fault hook).
    }
  }
}

/** SQLITE_BUSY, with or without an extended code: another connection holds the lock. */
export function isBusy(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && (code & 0xff) === 5;
}

function unavailable(operation: string, cause: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`The SQLite store could not ${operation}.`, { cause });
}

function rejectAll(batch: readonly PendingWrite[], cause: unknown, step: string): void {
  for (const write of batch) {
    write.reject(new StoreUnavailableError(`The SQLite store could not ${write.operation}: could not ${step}.`, { cause }));
  }
}
