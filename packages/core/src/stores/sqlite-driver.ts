/** The SQLite bindings the SQLite store can run on; both expose the `node:sqlite` API. */
export type SqliteDriverName = 'node:sqlite' | '@photostructure/sqlite';

export type SqliteValue = string | number | bigint | null | Uint8Array;
export type SqliteRow = Record<string, unknown>;

/** The part of `node:sqlite`'s `StatementSync` the store uses. */
export interface SqliteStatement {
  /**
   * Named parameters in an object, or positional ones as arguments. Positional binding costs about
   * half as much per call (no lookup of each name), which counts for statements run once per
   * delivery or record.
   */
  run(parameters?: Record<string, SqliteValue>): { changes: number | bigint };
  run(...positional: SqliteValue[]): { changes: number | bigint };
  get(parameters?: Record<string, SqliteValue>): SqliteRow | undefined;
  get(...positional: SqliteValue[]): SqliteRow | undefined;
  all(parameters?: Record<string, SqliteValue>): SqliteRow[];
}

/** The part of `node:sqlite`'s `DatabaseSync` the store uses. */
export interface SqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

export interface SqliteDriver {
  readonly name: SqliteDriverName;
  open(filename: string): SqliteDatabase;
}

type DatabaseConstructor = new (filename: string) => SqliteDatabase;

const loaded = new Map<SqliteDriverName, Promise<SqliteDriver>>();

/**
 * Loads a SQLite binding. `auto` prefers `node:sqlite`, built into Node 22.13+ (22.5 to 22.12 only with
 * `--experimental-sqlite`), and falls back to `@photostructure/sqlite`, the same API with prebuilt
 * binaries inside its npm package (an optional peer dependency of `@wearhook/core`: installed by those
 * on Node < 22.13 who use this store, and needing no compiler). Rejects with an error that says what to install when neither loads.
 */
export async function loadSqliteDriver(preference: SqliteDriverName | 'auto' = 'auto'): Promise<SqliteDriver> {
  if (preference !== 'auto') return load(preference);
  try {
    return await load('node:sqlite');
  } catch (builtinError) {
    try {
      return await load('@photostructure/sqlite');
    } catch (packageError) {
      // @photostructure/sqlite is an optional peer dependency: Node 22.13+ users never download it.
      const missing = (packageError as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND';
      throw new Error(
        `No SQLite driver: this Node (${process.version}) has no usable node:sqlite (built in from Node 22.13) ` +
          `and @photostructure/sqlite, which wearhook uses instead, ${missing ? 'is not installed' : 'could not be loaded'}. ` +
          'Run `npm install @photostructure/sqlite@^1.2.1` (an optional peer dependency of @wearhook/core, needed ' +
          'only on Node < 22.13), upgrade Node, or use the memory or PostgreSQL store.',
        { cause: new AggregateError([builtinError, packageError]) },
      );
    }
  }
}

function load(name: SqliteDriverName): Promise<SqliteDriver> {
  let driver = loaded.get(name);
  if (driver === undefined) {
    driver = importDriver(name);
    // A failed import is not cached, so a later call can succeed (e.g. after an install).
    driver.catch(() => loaded.delete(name));
    loaded.set(name, driver);
  }
  return driver;
}

async function importDriver(name: SqliteDriverName): Promise<SqliteDriver> {
  // A variable specifier: typings for node:sqlite exist only in newer @types/node, and the package
  // must stay a lazy, optional import so Node 22+ never loads it.
  const specifier: string = name;
  const module = (await withoutSqliteExperimentalWarning(() => import(specifier))) as { DatabaseSync?: unknown };
  if (typeof module.DatabaseSync !== 'function') {
    throw new Error(`${name} does not export DatabaseSync.`);
  }
  const DatabaseSync = module.DatabaseSync as DatabaseConstructor;
  return { name, open: (filename) => new DatabaseSync(filename) };
}

/**
 * Node 22 prints "ExperimentalWarning: SQLite is an experimental feature" when `node:sqlite` is first
 * loaded (so does Node 24 before 24.15): in an app using wearhook's default store, a warning about wearhook's
 * choice that the app can neither act on nor silence without hiding every other experimental warning.
 * wearhook pins what it uses of that API with its own tests on Node 22.13, so that one warning is
 * dropped while the module loads; every other warning passes through.
 */
export async function withoutSqliteExperimentalWarning<T>(load: () => Promise<T>): Promise<T> {
  const emitWarning = process.emitWarning;
  const filtered = function (warning: string | Error, ...rest: unknown[]): void {
    if (isSqliteExperimentalWarning(warning, rest[0])) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  process.emitWarning = filtered;
  try {
    return await load();
  } finally {
    // Not if someone else replaced it meanwhile (theirs wraps ours, or replaced it on purpose).
    if (process.emitWarning === filtered) process.emitWarning = emitWarning;
  }
}

/** How Node's warning about node:sqlite begins (the checkpointer's worker filters it too). */
export const SQLITE_EXPERIMENTAL_WARNING = 'SQLite is an experimental feature';

/** `process.emitWarning(warning, type)` or `(warning, { type })`, as Node emits its experimental warnings. */
function isSqliteExperimentalWarning(warning: string | Error, typeOrOptions: unknown): boolean {
  const type = typeof typeOrOptions === 'string' ? typeOrOptions : (typeOrOptions as { type?: unknown } | undefined)?.type;
  const message = typeof warning === 'string' ? warning : warning?.message;
  const errorType = typeof warning === 'string' ? undefined : warning?.name;
  return (type === 'ExperimentalWarning' || errorType === 'ExperimentalWarning') && typeof message === 'string' && message.startsWith(SQLITE_EXPERIMENTAL_WARNING);
}

/**
 * Runs `work` in a write transaction. `BEGIN IMMEDIATE` takes the write lock up front, so a busy
 * database fails fast at BEGIN (after the busy timeout) instead of in the middle.
 */
export function inWriteTransaction<T>(db: SqliteDatabase, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    try {
      db.exec('ROLLBACK');
    } catch {
      // SQLite may already have rolled back (e.g. on SQLITE_FULL); the original error matters.
    }
    throw error;
  }
}
