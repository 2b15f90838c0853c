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

/**
 * How writes of one kind run as ONE statement when several share a batch (one round trip instead of
 * one each): `runMany` gets every write's `input`, in batch order, and returns their results in the
 * same order. `kind` names the group; all writes of a kind must pass the same `runMany`.
 */
export interface PostgresMerge<I, T> {
  readonly kind: string;
  readonly input: I;
  readonly runMany: (client: pg.PoolClient, inputs: I[]) => Promise<T[]>;
}

interface PendingWrite {
  readonly operation: string;
  readonly work: PostgresWork<unknown>;
  readonly merge: PostgresMerge<unknown, unknown> | undefined;
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

  /**
   * Queues a write. `work` runs it alone; `merge`, when given, lets it share one statement with the
   * other writes of its kind in the batch (`work` is still used when a batch is rerun write by write).
   */
  write<T, I = never>(operation: string, work: PostgresWork<T>, merge?: PostgresMerge<I, T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        operation,
        work,
        merge: merge as PostgresMerge<unknown, unknown> | undefined,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
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
    // A checked-out client has no listener of the pool's: an error between two statements (the server
    // shutting down) would otherwise be an uncaught 'error' event that kills the process.
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
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
      client.off('error', onError);
      // A connection in an unknown state is destroyed, not reused.
      client.release(broken);
    }
  }

  /**
   * One transaction over the batch. The fast path runs each kind of mergeable write as one statement
   * and the rest one by one; `isolated` runs every write alone inside its own savepoint.
   */
  private async attempt(client: pg.PoolClient, batch: PendingWrite[], isolated: boolean): Promise<Outcome[]> {
    await client.query('BEGIN');
    const outcomes: Array<Outcome | undefined> = batch.map(() => undefined);
    if (!isolated) await this.runMerged(client, batch, outcomes);
    for (const [index, write] of batch.entries()) {
      if (outcomes[index] !== undefined) continue;
      if (isolated) await client.query('SAVEPOINT wearhook_write');
      try {
        outcomes[index] = { ok: true, value: await write.work(client) };
      } catch (error) {
        if (!isolated || !isStatementError(error)) throw new WriteFailed(index, error);
        await client.query('ROLLBACK TO SAVEPOINT wearhook_write');
        outcomes[index] = { ok: false, error };
        continue;
      }
      if (isolated) await client.query('RELEASE SAVEPOINT wearhook_write');
    }
    this.options.fault?.beforeCommit(batch.length);
    const result = await client.query('COMMIT');
    // COMMIT of a transaction the server has aborted answers ROLLBACK, not an error.
    if (result.command !== 'COMMIT') throw new Error(`COMMIT answered ${result.command}.`);
    return outcomes as Outcome[];
  }

  private async runMerged(client: pg.PoolClient, batch: PendingWrite[], outcomes: Array<Outcome | undefined>): Promise<void> {
    const kinds = new Map<string, number[]>();
    for (const [index, write] of batch.entries()) {
      if (write.merge === undefined) continue;
      const indexes = kinds.get(write.merge.kind) ?? [];
      indexes.push(index);
      kinds.set(write.merge.kind, indexes);
    }
    for (const indexes of kinds.values()) {
      if (indexes.length < 2) continue;
      const merge = batch[indexes[0]!]!.merge!;
      let values: unknown[];
      try {
        values = await merge.runMany(
          client,
          indexes.map((index) => batch[index]!.merge!.input),
        );
      } catch (error) {
        throw new WriteFailed(indexes[0]!, error);
      }
      for (const [position, index] of indexes.entries()) outcomes[index] = { ok: true, value: values[position] };
    }
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
