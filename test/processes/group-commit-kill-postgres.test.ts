import { randomBytes, randomUUID } from 'node:crypto';
import { createPostgresStore } from '@wearhook/store-postgres';
import { afterAll, afterEach, describe, it } from 'vitest';
import { acquirePostgres } from '../../packages/store-postgres/test/support/test-server.js';
import { killAllApps } from '../support/app-processes.js';
import { killMidGroupCommitThenRestart } from '../support/group-commit-kill.js';

// Issue 8, PostgreSQL: the example app dies in the middle of a group commit, just before it sends a
// multi-write batch, which is one statement committing on its own (the scenario and its assertions:
// ../support/group-commit-kill.ts). The other batch in flight at the kill may
// still commit on the server: its deliveries were not acknowledged either, so their retries are
// duplicates, and the leases the dead worker took at insert expire for the next one.
//
// The server: WEARHOOK_TEST_DATABASE_URL, else a throwaway one of scripts/postgres/start.sh on this
// file's own port.
const PORT = 54342;
const server = await acquirePostgres(PORT);
const database = `wearhook_gc_kill_${randomBytes(4).toString('hex')}`;
const runId = randomUUID().slice(0, 8);

const admin = () => createPostgresStore({ connectionString: server!.url, migrate: false, onPoolError: () => {} });

afterEach(killAllApps);
afterAll(async () => {
  if (server === undefined) return;
  const store = admin();
  await store.pool.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).finally(() => store.close());
  await server.stop();
});

describe.skipIf(server === undefined)('the Express example on PostgreSQL, killed in the middle of a group commit', () => {
  it('acknowledged nothing of the lost batch, and handles every acknowledged delivery after a restart', async () => {
    const creator = admin();
    await creator.pool.query(`CREATE DATABASE ${database}`).finally(() => creator.close());
    const url = new URL(server!.url);
    url.pathname = `/${database}`;
    const withReader = async <T>(use: (reader: ReturnType<typeof createPostgresStore>) => Promise<T>): Promise<T> => {
      const reader = createPostgresStore({ connectionString: url.href });
      try {
        return await use(reader);
      } finally {
        await reader.close();
      }
    };
    await killMidGroupCommitThenRestart(
      {
        env: { DATABASE_URL: url.href, WEARHOOK_DB: undefined },
        holds: (keys) => withReader((reader) => Promise.all(keys.map(async (key) => (await reader.get('vital', key)) !== undefined))),
        // The dead worker's leases (owner `<host>:<pid>:…`), ended as the clock would after its 60 s lease.
        expireLeasesOf: (pid) =>
          withReader(async (reader) => {
            await reader.pool.query(
              `UPDATE wearhook_deliveries SET lease_until = now() - interval '1 second' WHERE state = 'pending' AND lease_owner LIKE $1`,
              [`%:${pid}:%`],
            );
          }),
      },
      runId,
    );
  }, 90_000);
});
