/**
 * Every statement the SQLite store runs, by name, so the query-plan test can EXPLAIN exactly these.
 * Named parameters (`$name`), except in the statements run once per delivery or record: those take
 * anonymous `?` placeholders, bound by position, since binding by name cost ~9 µs more per delivery
 * (insert plus completion in batches of 16: 21.8-30.5 against 12.4-14.1 µs, Node 20,
 * @photostructure/sqlite). Anonymous, not numbered (`?1`): node:sqlite before Node 22.20 and 24.7
 * binds no numbered placeholder by position ("column index out of range", nodejs/node#59340).
 */
const leasedBy = `id = $id AND state = 'pending' AND lease_owner = $worker`;

export const SQLITE_STATEMENTS = {
  // Bound by position: a `NewDeliveryRow` (delivery-row.ts), then next_attempt_at (the receipt time).
  insertDelivery: `
    INSERT INTO wearhook_deliveries
      (provider, delivery_key, event_type, state, body, issues, context, drift, received_at,
       lease_owner, lease_until, attempts, next_attempt_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (provider, delivery_key) DO NOTHING
    RETURNING id`,
  // One statement, so the write lock makes the claim exclusive across connections and processes.
  claim: `
    UPDATE wearhook_deliveries
    SET lease_owner = $worker, lease_until = $lease_until, attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM wearhook_deliveries
      WHERE state = 'pending' AND next_attempt_at <= $now AND (lease_until IS NULL OR lease_until <= $now)
        AND ($providers IS NULL OR instr($providers, ',' || provider || ',') > 0)
      ORDER BY next_attempt_at, id
      LIMIT $limit)
    RETURNING *`,
  // Bound by position: state, error, now, id, worker.
  finish: `
    UPDATE wearhook_deliveries
    SET state = ?, last_error = coalesce(?, last_error), finished_at = ?,
        lease_owner = NULL, lease_until = NULL
    WHERE id = ? AND state = 'pending' AND lease_owner = ?`,
  retry: `
    UPDATE wearhook_deliveries
    SET next_attempt_at = $retry_at, last_error = $error, lease_owner = NULL, lease_until = NULL
    WHERE ${leasedBy}`,
  release: `
    UPDATE wearhook_deliveries
    SET lease_owner = NULL, lease_until = NULL, attempts = max(attempts - 1, 0)
    WHERE ${leasedBy}`,
  renew: `UPDATE wearhook_deliveries SET lease_until = $lease_until WHERE ${leasedBy}`,
  listDead: `SELECT * FROM wearhook_deliveries WHERE state = 'dead' ORDER BY id LIMIT $limit`,
  requeue: `
    UPDATE wearhook_deliveries
    SET state = 'pending', attempts = 0, next_attempt_at = $now, lease_owner = NULL, lease_until = NULL,
        finished_at = NULL
    WHERE id = $id AND state IN ('dead', 'quarantined')`,
  // Both bounded by $limit through the partial indexes of migration 2 (the subquery repeats the
  // index's WHERE term exactly, which is how SQLite recognises it).
  purge: `
    DELETE FROM wearhook_deliveries WHERE id IN (
      SELECT id FROM wearhook_deliveries
      WHERE state IN ('completed', 'dead', 'quarantined') AND received_at < $cutoff
      LIMIT $limit)`,
  dropBodies: `
    UPDATE wearhook_deliveries SET body = NULL WHERE id IN (
      SELECT id FROM wearhook_deliveries
      WHERE state = 'completed' AND body IS NOT NULL AND received_at < $cutoff
      LIMIT $limit)`,
  getDelivery: `SELECT * FROM wearhook_deliveries WHERE provider = $provider AND delivery_key = $delivery_key`,
  // The WHERE clause is `outranks` from record-versioning.ts; keep the two in step. Bound by position
  // (it runs once per record; by name it was 1.3-2.2x slower: 163-226 against 99-130 µs per 25
  // records, Node 20): provider, user_id, kind, key, version, data, received_at, updated_at.
  upsertRecord: `
    INSERT INTO wearhook_records (provider, user_id, kind, key, version, data, received_at, revision, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
    ON CONFLICT (provider, user_id, kind, key) DO UPDATE SET
      version = excluded.version, data = excluded.data, received_at = excluded.received_at,
      revision = revision + 1, updated_at = excluded.updated_at
    WHERE (excluded.version IS NOT NULL AND (version IS NULL OR excluded.version > version))
       OR (excluded.version IS NULL AND version IS NULL AND excluded.received_at > received_at)`,
  recordsOfUser: `
    SELECT * FROM wearhook_records WHERE provider = $provider AND user_id = $user_id ORDER BY kind, key`,
  recordsOfKind: `
    SELECT * FROM wearhook_records WHERE provider = $provider AND user_id = $user_id AND kind = $kind
    ORDER BY key`,
} as const;

export type SqliteStatementName = keyof typeof SQLITE_STATEMENTS;
