import { StoreUnavailableError, type CommitFault } from '@wearhook/core/stores';
import type pg from 'pg';

export interface PostgresGroupCommitOptions {
  /** At most this many writes share one transaction. */
  readonly maxBatch: number;
  /** At most this many transactions in flight at once (each on its own pooled connection). */
  readonly maxInFlight: number;
  /** Resolves once the schema is migrated; a rejection rejects the batch. */
  readonly ready: () => Promise<unknown>;
  readonly fault?: CommitFault | undefined;
}

/** One write: its statements, run on the batch's connection inside the batch's transaction. */
export type PostgresWork<T> = (client: pg.PoolClient) => Promise<T>;

interface PendingWrite {
  readonly operation: string;
  readonly work: PostgresWork<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** A statement of one write failed (as opposed to BEGIN, COMMIT or the connection). */
class WriteFailed extends Error {
  constructor(readonly index: number, override readonly cause: unknown) {
    super('A write of the batch failed.');
  }
}

/**
 * Group commit for PostgreSQL. Writes queued during one event-loop turn share one transaction on one
 * pooled connection, flushed on the next turn (`setImmediate`, no timer); while `maxInFlight` batches
 * are committing, new writes gather for the next one, so batches grow with load. The fast path runs
 * the writes back to back with no savepoints. If one of them fails (a constraint, a deadlock), the
 * transaction is rolled back and the batch rerun with a SAVEPOINT per write, so only the refused write
 * is rejected. A failed BEGIN or COMMIT, or a lost connection, rejects the whole batch with
 * `StoreUnavailableError`; nothing of it was committed.
 */
export class PostgresGroupCommit {
  private readonly queue: PendingWrite[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private inFlight = 0;
  private drained: Array<() => void> = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresGroupCommitOptions,
  ) {}

  write<T>(operation: string, work: PostgresWork<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ operation, work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Resolves once every queued write has been committed or rejected (graceful shutdown). */
  drain(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private idle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0 && this.scheduled === undefined;
  }

  private schedule(): void {
    if (this.scheduled !== undefined || this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
        const batch = this.queue.splice(0, this.options.maxBatch);
        this.inFlight += 1;
        void this.commit(batch).finally(() => {
          this.inFlight -= 1;
          this.schedule();
          if (this.idle()) for (const resolve of this.drained.splice(0)) resolve();
        });
      }
    });
  }

  private async commit(batch: PendingWrite[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      await this.options.ready();
      client = await this.pool.connect();
    } catch (error) {
      rejectAll(batch, error);
      return;
    }
    let broken: Error | undefined;
    try {
      let outcomes: Outcome[];
      try {
        outcomes = await this.attempt(client, batch, false);
      } catch (error) {
        if (!(await rolledBack(client))) throw error;
        if (!(error instanceof WriteFailed) || batch.length === 1) throw error;
        outcomes = await this.attempt(client, batch, true);
      }
      for (const [index, write] of batch.entries()) {
        const outcome = outcomes[index]!;
        if (outcome.ok) write.resolve(outcome.value);
        else write.reject(unavailable(write.operation, outcome.error));
      }
    } catch (error) {
      if (!(await rolledBack(client))) broken = error instanceof Error ? error : new Error(String(error));
      rejectAll(batch, error instanceof WriteFailed ? error.cause : error);
    } finally {
      // A connection in an unknown state is destroyed, not reused.
      client.release(broken);
    }
  }

  /** One transaction over the batch; `isolated` wraps each write in a savepoint. */
  private async attempt(client: pg.PoolClient, batch: PendingWrite[], isolated: boolean): Promise<Outcome[]> {
    await client.query('BEGIN');
    const outcomes: Outcome[] = [];
    for (const [index, write] of batch.entries()) {
      if (isolated) await client.query('SAVEPOINT wearhook_write');
      try {
        outcomes.push({ ok: true, value: await write.work(client) });
      } catch (error) {
        if (!isolated || !isStatementError(error)) throw new WriteFailed(index, error);
        await client.query('ROLLBACK TO SAVEPOINT wearhook_write');
        outcomes.push({ ok: false, error });
        continue;
      }
      if (isolated) await client.query('RELEASE SAVEPOINT wearhook_write');
    }
    this.options.fault?.beforeCommit(batch.length);
    const result = await client.query('COMMIT');
    // COMMIT of a transaction the server has aborted answers ROLLBACK, not an error.
    if (result.command !== 'COMMIT') throw new Error(`COMMIT answered ${result.command}.`);
    return outcomes;
  }
}

/** An error the server reported for one statement (it has a SQLSTATE), so the connection is usable. */
function isStatementError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57|53|58|XX)/.test(code);
}

async function rolledBack(client: pg.PoolClient): Promise<boolean> {
  try {
    await client.query('ROLLBACK');
    return true;
  } catch {
    return false;
  }
}

/** The message names the operation and the driver's or server's code, never values or the URL. */
export function unavailable(operation: string, cause: unknown): StoreUnavailableError {
  const code = (cause as { code?: unknown } | null)?.code;
  const suffix = typeof code === 'string' ? ` (${code})` : '';
  return new StoreUnavailableError(`The PostgreSQL store could not ${operation}${suffix}.`, { cause });
}

function rejectAll(batch: readonly PendingWrite[], cause: unknown): void {
  for (const write of batch) write.reject(unavailable(write.operation, cause));
}
