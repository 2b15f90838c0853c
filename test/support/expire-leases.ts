import { loadSqliteDriver } from '@wearhook/core/stores';

/**
 * Ends the leases a killed process held in a SQLite inbox (state pending, lease owner
 * `<host>:<pid>:…`, the dispatcher's default worker id) by moving their expiry to the epoch, as the
 * clock would once the lease ran out; returns how many there were. For tests of the example apps,
 * whose workers use the default 60 s lease: the test would otherwise wait that minute.
 */
export async function expireSqliteLeasesOf(db: string, pid: number): Promise<number> {
  const driver = await loadSqliteDriver();
  const connection = driver.open(db);
  try {
    connection.exec('PRAGMA busy_timeout = 5000');
    const result = connection
      .prepare(`UPDATE wearhook_deliveries SET lease_until = 0 WHERE state = 'pending' AND lease_owner LIKE $owner`)
      .run({ owner: `%:${pid}:%` });
    return Number(result.changes);
  } finally {
    connection.close();
  }
}
