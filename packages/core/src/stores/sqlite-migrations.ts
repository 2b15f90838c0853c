import { inWriteTransaction, type SqliteDatabase } from './sqlite-driver.js';

/**
 * Schema versions, oldest first: migration `i` takes the database from `user_version` i to i + 1.
 * Append new migrations; never edit a released one. Times are epoch milliseconds.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE wearhook_deliveries (
    id INTEGER PRIMARY KEY,
    provider TEXT NOT NULL,
    delivery_key TEXT NOT NULL,
    event_type TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'quarantined', 'completed', 'dead')),
    body TEXT NOT NULL,
    issues TEXT,
    received_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    lease_owner TEXT,
    lease_until INTEGER,
    finished_at INTEGER,
    UNIQUE (provider, delivery_key)
  );
  CREATE INDEX wearhook_deliveries_due ON wearhook_deliveries (next_attempt_at, id) WHERE state = 'pending';
  CREATE INDEX wearhook_deliveries_finished ON wearhook_deliveries (received_at) WHERE state IN ('completed', 'dead');
  CREATE TABLE wearhook_records (
    provider TEXT NOT NULL,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    version REAL,
    data TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (provider, user_id, kind, key)
  ) WITHOUT ROWID;
  `,
  // Issue 8: bodies of completed deliveries may be dropped (body nullable), a delivery carries its
  // header context and drift (JSON text), and every hot query has an index. SQLite cannot drop NOT NULL
  // in place, so the table is rebuilt; ids (rowids) are kept.
  `
  CREATE TABLE wearhook_deliveries_v2 (
    id INTEGER PRIMARY KEY,
    provider TEXT NOT NULL,
    delivery_key TEXT NOT NULL,
    event_type TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'quarantined', 'completed', 'dead')),
    body TEXT,
    issues TEXT,
    context TEXT,
    drift TEXT,
    received_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    lease_owner TEXT,
    lease_until INTEGER,
    finished_at INTEGER,
    UNIQUE (provider, delivery_key)
  );
  INSERT INTO wearhook_deliveries_v2
    (id, provider, delivery_key, event_type, state, body, issues, received_at, attempts, next_attempt_at,
     last_error, lease_owner, lease_until, finished_at)
  SELECT id, provider, delivery_key, event_type, state, body, issues, received_at, attempts, next_attempt_at,
     last_error, lease_owner, lease_until, finished_at
  FROM wearhook_deliveries;
  DROP TABLE wearhook_deliveries;
  ALTER TABLE wearhook_deliveries_v2 RENAME TO wearhook_deliveries;
  CREATE INDEX wearhook_deliveries_due ON wearhook_deliveries (next_attempt_at, id) WHERE state = 'pending';
  CREATE INDEX wearhook_deliveries_retained ON wearhook_deliveries (received_at)
    WHERE state IN ('completed', 'dead', 'quarantined');
  CREATE INDEX wearhook_deliveries_bodies ON wearhook_deliveries (received_at)
    WHERE state = 'completed' AND body IS NOT NULL;
  CREATE INDEX wearhook_deliveries_dead ON wearhook_deliveries (id) WHERE state = 'dead';
  `,
];

/**
 * Brings the schema up to date inside one write transaction, so two processes opening the same file
 * at once migrate it once. Refuses a database written by a newer wearhook.
 */
export function migrateSqlite(db: SqliteDatabase): void {
  inWriteTransaction(db, () => {
    const current = Number(db.prepare('PRAGMA user_version').get()?.user_version ?? 0);
    if (current > SQLITE_MIGRATIONS.length) {
      throw new SchemaVersionError(
        `The SQLite database has schema version ${current}; this wearhook knows up to ${SQLITE_MIGRATIONS.length}. ` +
          'Upgrade @wearhook/core.',
      );
    }
    for (const sql of SQLITE_MIGRATIONS.slice(current)) db.exec(sql);
    // PRAGMA takes no bound parameters; the value is our own integer.
    db.exec(`PRAGMA user_version = ${SQLITE_MIGRATIONS.length}`);
  });
}

/** The database was migrated by a newer wearhook; opening it with this one would corrupt it. */
export class SchemaVersionError extends Error {
  override name = 'SchemaVersionError';
}
