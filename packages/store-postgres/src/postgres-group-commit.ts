import { createHash } from 'node:crypto';
import { StoreUnavailableError, type CommitFault } from '@wearhook/core/stores';
import type pg from 'pg';

export interface PostgresGroupCommitOptions {
  /** At most this many writes share one transaction. */
  readonly maxBatch: number;
  /**
   * At most about this many rows in one transaction (a write's rows: see `PostgresMergeKind.rows`;
   * a batch holds at least one write). Building and reading a statement is synchronous work on the
   * event loop, roughly proportional to its rows, so this bounds how long one batch can stall it.
   */
  readonly maxRows: number;
  /** At most this many transactions in flight at once (each on its own pooled connection). */
  readonly maxInFlight: number;
  /** Resolves once the schema is migrated; a rejection rejects the batch. */
  readonly ready: () => Promise<unknown>;
  readonly fault?: CommitFault | undefined;
}

/** One write that cannot share a statement: its statements, run on the batch's connection inside its transaction. */
export type PostgresWork<T> = (client: pg.PoolClient) => Promise<T>;

/** A returned row: its text columns in order. */
export type PostgresRow = ReadonlyArray<string | null>;

/**
 * A kind of write whose writes in one batch run as ONE data-modifying statement. The statements of
 * every kind in a batch are joined into one `WITH` statement, so a batch of such writes costs one round
 * trip and commits on its own, without BEGIN and COMMIT round trips.
 */
export interface PostgresMergeKind<I, T> {
  /** Names the kind; also orders the parts of the joined statement. */
  readonly name: string;
  /** How many columns the statement returns, all of type text (bigints included). */
  readonly columns: number;
  /**
   * One INSERT/UPDATE ... RETURNING `columns` text columns, for `inputs`. `param` adds a parameter
   * and returns its placeholder.
   */
  statement(inputs: readonly I[], param: (value: unknown) => string): string;
  /** Each input's result, in input order, from the rows the statement returned (each an array of `columns` values). */
  results(rows: readonly PostgresRow[], inputs: readonly I[]): T[];
  /** How many rows one input writes (default 1). */
  rows?(input: I): number;
  /**
   * When some inputs must not share a statement with earlier ones (one statement cannot update a row
   * twice): a round per input, 0 first; each round is a statement of its own, in order. Default: all 0.
   */
  rounds?(inputs: readonly I[]): number[];
}

type PendingWrite = {
  readonly operation: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
} & (
  | { readonly work: PostgresWork<unknown>; readonly kind?: undefined; readonly input?: undefined }
  | { readonly work?: undefined; readonly kind: PostgresMergeKind<unknown, unknown>; readonly input: unknown }
);

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** One statement of a batch: the merged writes (batch indexes) of each kind it holds. */
type Part = Array<{ readonly kind: PostgresMergeKind<unknown, unknown>; readonly indexes: number[] }>;

/** A statement of one write failed (as opposed to BEGIN, COMMIT or the connection). */
class WriteFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('A write of the batch failed.');
  }
}

/**
 * Group commit for PostgreSQL. Writes queued during one event-loop turn share one transaction on one
 * pooled connection, flushed on the next turn (`setImmediate`, no timer); while `maxInFlight` batches
 * are committing, new writes gather for the next one, so batches grow with load.
 *
 * Round trips, not rows, are what a batch costs: each one waits for the server and then for this
 * process's busy event loop. So a batch of mergeable writes (the hot path: puts, completions, record
 * upserts) is ONE statement in its own implicit transaction. A batch that also holds other writes runs
 * BEGIN, the merged statement, the others one by one, COMMIT. If a write fails (a constraint, a
 * deadlock), the batch is rerun with a SAVEPOINT per write, so only the refused write is rejected. A
 * failed COMMIT, or a lost connection, rejects the whole batch with `StoreUnavailableError`.
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

  /** Queues a write that runs alone, by its own statements. */
  write<T>(operation: string, work: PostgresWork<T>): Promise<T> {
    return this.enqueue(operation, { work });
  }

  /** Queues a write of a mergeable kind: it shares one statement with the batch's other writes of that kind. */
  merge<I, T>(operation: string, kind: PostgresMergeKind<I, T>, input: I): Promise<T> {
    return this.enqueue(operation, { kind: kind as PostgresMergeKind<unknown, unknown>, input });
  }

  /** Resolves once every queued write has been committed or rejected (graceful shutdown). */
  drain(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private enqueue<T>(
    operation: string,
    what: { work: PostgresWork<unknown> } | { kind: PostgresMergeKind<unknown, unknown>; input: unknown },
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ operation, ...what, resolve: resolve as (value: unknown) => void, reject } as PendingWrite);
      this.schedule();
    });
  }

  private idle(): boolean {
    return this.queue.length === 0 && this.inFlight === 0 && this.scheduled === undefined;
  }

  private schedule(): void {
    if (this.scheduled !== undefined || this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
        const batch = this.queue.splice(0, this.batchLength());
        this.inFlight += 1;
        void this.commit(batch).finally(() => {
          this.inFlight -= 1;
          this.schedule();
          if (this.idle()) for (const resolve of this.drained.splice(0)) resolve();
        });
      }
    });
  }

  /** How many of the queued writes the next batch takes: up to `maxBatch` writes and `maxRows` rows. */
  private batchLength(): number {
    const { maxBatch, maxRows } = this.options;
    let rows = 0;
    let length = 0;
    for (const write of this.queue) {
      if (length === maxBatch) break;
      rows += write.kind?.rows?.(write.input) ?? 1;
      if (rows > maxRows && length > 0) break;
      length += 1;
    }
    return length;
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
        outcomes = await this.attempt(client, batch);
      } catch (error) {
        if (!(error instanceof WriteFailed) || batch.length === 1 || !(await rolledBack(client))) throw error;
        outcomes = await this.isolated(client, batch);
      }
      for (const [index, write] of batch.entries()) {
        const outcome = outcomes[index]!;
        if (outcome.ok) write.resolve(outcome.value);
        else write.reject(unavailable(write.operation, outcome.error));
      }
    } catch (error) {
      const cause = error instanceof WriteFailed ? error.cause : error;
      if (!(await rolledBack(client)) || preparedStatementsLost(cause)) broken = cause instanceof Error ? cause : new Error(String(cause));
      rejectAll(batch, cause);
    } finally {
      client.off('error', onError);
      // A connection in an unknown state is destroyed, not reused.
      client.release(broken);
    }
  }

  /**
   * The batch in as few round trips as it allows: one statement when every write is mergeable and
   * needs one round; else a transaction of the merged statements (one per round) and the other writes.
   */
  private async attempt(client: pg.PoolClient, batch: PendingWrite[]): Promise<Outcome[]> {
    const outcomes: Array<Outcome | undefined> = batch.map(() => undefined);
    const parts = mergedParts(batch);
    const alone = batch.some((write) => write.work !== undefined);
    if (!alone && parts.length === 1) {
      this.options.fault?.beforeCommit(batch.length);
      await runPart(client, batch, parts[0]!, outcomes);
      return outcomes as Outcome[];
    }
    await client.query('BEGIN');
    for (const part of parts) await runPart(client, batch, part, outcomes);
    for (const [index, write] of batch.entries()) {
      if (write.work === undefined) continue;
      try {
        outcomes[index] = { ok: true, value: await write.work(client) };
      } catch (error) {
        throw new WriteFailed(error);
      }
    }
    await commit(client, this.options.fault, batch.length);
    return outcomes as Outcome[];
  }

  /** Reruns the batch with every write alone inside its own savepoint: a refused write fails alone. */
  private async isolated(client: pg.PoolClient, batch: PendingWrite[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    await client.query('BEGIN');
    for (const write of batch) {
      await client.query('SAVEPOINT wearhook_write');
      let value: unknown;
      try {
        value = write.work === undefined ? (await runMerged(client, write.kind, [write.input]))[0] : await write.work(client);
      } catch (error) {
        if (!isStatementError(error)) throw error;
        await client.query('ROLLBACK TO SAVEPOINT wearhook_write');
        outcomes.push({ ok: false, error });
        continue;
      }
      await client.query('RELEASE SAVEPOINT wearhook_write');
      outcomes.push({ ok: true, value });
    }
    await commit(client, this.options.fault, batch.length);
    return outcomes;
  }
}

/** The merged writes of a batch, by round and then kind: one statement per round. */
function mergedParts(batch: readonly PendingWrite[]): Part[] {
  const byKind = new Map<PostgresMergeKind<unknown, unknown>, number[]>();
  for (const [index, write] of batch.entries()) {
    if (write.kind === undefined) continue;
    const indexes = byKind.get(write.kind);
    if (indexes === undefined) byKind.set(write.kind, [index]);
    else indexes.push(index);
  }
  const parts: Part[] = [];
  const kinds = [...byKind].sort(([a], [b]) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const [kind, indexes] of kinds) {
    const rounds = kind.rounds?.(indexes.map((index) => batch[index]!.input)) ?? indexes.map(() => 0);
    for (const [position, index] of indexes.entries()) {
      const round = rounds[position]!;
      while (parts.length <= round) parts.push([]);
      const part = parts[round]!;
      const entry = part.find((e) => e.kind === kind);
      if (entry === undefined) part.push({ kind, indexes: [index] });
      else entry.indexes.push(index);
    }
  }
  return parts;
}

/** Runs one part as one statement (its kinds joined by WITH) and records each write's result. */
async function runPart(client: pg.PoolClient, batch: readonly PendingWrite[], part: Part, outcomes: Array<Outcome | undefined>): Promise<void> {
  const groups = part.map(({ kind, indexes }) => ({ kind, inputs: indexes.map((index) => batch[index]!.input) }));
  let returned: PostgresRow[][];
  try {
    returned = await runStatement(client, groups);
  } catch (error) {
    throw new WriteFailed(error);
  }
  for (const [i, { kind, indexes }] of part.entries()) {
    const results = kind.results(returned[i]!, groups[i]!.inputs);
    for (const [position, index] of indexes.entries()) outcomes[index] = { ok: true, value: results[position] };
  }
}

async function runMerged(client: pg.PoolClient, kind: PostgresMergeKind<unknown, unknown>, inputs: unknown[]): Promise<unknown[]> {
  const [rows] = await runStatement(client, [{ kind, inputs }]);
  return kind.results(rows!, inputs);
}

/**
 * One statement for the given kinds' inputs; the rows each kind's statement returned. One kind is sent
 * as is; several are WITH queries whose rows the main query returns one after the other (UNION ALL),
 * each row led by its kind's position and padded to the widest kind with NULLs.
 */
async function runStatement(
  client: pg.PoolClient,
  groups: ReadonlyArray<{ readonly kind: PostgresMergeKind<unknown, unknown>; readonly inputs: readonly unknown[] }>,
): Promise<PostgresRow[][]> {
  const values: unknown[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const statements = groups.map(({ kind, inputs }) => kind.statement(inputs, param));
  if (groups.length === 1) {
    const text = statements[0]!;
    return [(await client.query<Array<string | null>>({ name: statementName(text), text, values, rowMode: 'array' })).rows];
  }
  const width = Math.max(...groups.map(({ kind }) => kind.columns));
  const text = `WITH ${statements.map((statement, i) => `w${i} AS (${statement})`).join(', ')}
    ${groups
      .map(({ kind }, i) => `SELECT ${i}, w${i}.*${', NULL::text'.repeat(width - kind.columns)} FROM w${i}`)
      .join(' UNION ALL ')}`;
  const { rows } = await client.query<[number, ...Array<string | null>]>({ name: statementName(text), text, values, rowMode: 'array' });
  const returned: PostgresRow[][] = groups.map(() => []);
  for (const row of rows) returned[row[0]]!.push(row.slice(1) as PostgresRow);
  return returned;
}

/**
 * A name per statement text: the connection parses and plans it once, and later batches only bind and
 * execute. The texts depend on the kinds in a batch and on the power of two its bodies and record data
 * are padded to (see `textParams` in postgres-store.ts), so there are a few dozen of them at most.
 */
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `wearhook_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

async function commit(client: pg.PoolClient, fault: CommitFault | undefined, writes: number): Promise<void> {
  fault?.beforeCommit(writes);
  const result = await client.query('COMMIT');
  // COMMIT of a transaction the server has aborted answers ROLLBACK, not an error.
  if (result.command !== 'COMMIT') throw new Error(`COMMIT answered ${result.command}.`);
}

/** An error the server reported for one statement (it has a SQLSTATE), so the connection is usable. */
function isStatementError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !/^(08|57|53|58|XX)/.test(code) && !preparedStatementsLost(error);
}

/**
 * A prepared statement missing (26000) or already there (42P05): node-postgres remembers which names
 * it prepared on a connection, so once the server forgot them (`DEALLOCATE ALL` or `DISCARD ALL` run
 * by other code on a shared pool) every later batch on that connection failed. Such a connection is
 * destroyed, and the pool replaces it.
 */
function preparedStatementsLost(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '26000' || code === '42P05';
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
