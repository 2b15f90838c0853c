import { randomBytes, randomUUID } from 'node:crypto';
import { createPostgresStore } from '@wearhook/store-postgres';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { acquirePostgres } from '../../packages/store-postgres/test/support/test-server.js';
import { killAllApps, post, startApp, waitUntil, type PostResult } from '../support/app-processes.js';
import { handledBy } from '../support/inbox-checks.js';
import { PROCESS_SECRETS, vitalSleepVersion, type VersionedDelivery } from '../support/process-deliveries.js';

// Issue 8, PostgreSQL: the example app dies in the middle of a group commit (the test-only hook
// WEARHOOK_TEST_FAULT=kill-before-commit, see packages/core/src/stores/test-faults.ts, SIGKILLs it
// just before it sends a multi-write batch, which is one statement committing on its own). Nothing of
// that batch was acknowledged; after a restart every acknowledged delivery is handled, and the
// providers' retries of the others are accepted and handled. The other batch in flight at the kill may
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
    const env = { ...PROCESS_SECRETS, DATABASE_URL: url.href, WEARHOOK_DB: undefined };
    const first = await startApp({
      name: 'first',
      script: 'examples/express-app/src/server.ts',
      env: { ...env, NODE_ENV: 'test', WEARHOOK_TEST_FAULT: 'kill-before-commit:5' },
    });
    // Waves of concurrent sends, so requests share turns and commits, until the hook kills the process
    // at its fifth multi-write commit: the waves before it were acknowledged, the one in flight was not.
    const deliveries: VersionedDelivery[] = [];
    const responses: PostResult[] = [];
    for (let wave = 0; wave < 30 && !first.hasExited(); wave++) {
      const batch = Array.from({ length: 8 }, (_, i) =>
        vitalSleepVersion({ userId: 'gc-pg-user', summaryId: `gc-pg-${runId}-${wave}-${i}`, version: 0, runId }),
      );
      deliveries.push(...batch);
      responses.push(
        ...(await Promise.all(
          batch.map((d) => {
            const { body, headers } = d.sign();
            return post(first.url(d.path), body, headers);
          }),
        )),
      );
    }
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const acknowledged = deliveries.filter((_, i) => responses[i]!.status === 204);
    const notAcknowledged = deliveries.filter((_, i) => responses[i]!.status !== 204);
    expect(notAcknowledged.length, 'the kill cut some deliveries off').toBeGreaterThan(0);
    expect(acknowledged.length, 'deliveries before the kill were acknowledged').toBeGreaterThan(0);

    const reader = createPostgresStore({ connectionString: url.href });
    try {
      // Every 204 is in the database.
      for (const d of acknowledged) expect(await reader.get('vital', d.deliveryKey), d.deliveryKey).toBeDefined();
      // End the dead worker's leases (owner `<host>:<pid>:…`) as the clock would after its 60 s lease.
      await reader.pool.query(
        `UPDATE wearhook_deliveries SET lease_until = now() - interval '1 second' WHERE state = 'pending' AND lease_owner LIKE $1`,
        [`%:${first.pid}:%`],
      );
    } finally {
      await reader.close();
    }

    const second = await startApp({ name: 'second', script: 'examples/express-app/src/server.ts', env });
    for (const d of notAcknowledged) {
      const { body, headers } = d.sign();
      const retry = await post(second.url(d.path), body, headers);
      expect(retry.status, retry.body).toBe(204);
    }
    const processes = [
      { name: 'first', lines: first.lines },
      { name: 'second', lines: second.lines },
    ];
    const keys = deliveries.map((d) => d.deliveryKey);
    await waitUntil(
      () => keys.every((key) => handledBy(processes).has(key)),
      30_000,
      () => `not handled: ${keys.filter((key) => !handledBy(processes).has(key)).join(', ')}\n${second.stderr().slice(-2000)}`,
    );
    // Handled twice only when the first run's handler had already run (its completion was in the lost batch).
    for (const [key, names] of handledBy(processes)) {
      if (!keys.includes(key)) continue;
      if (names.length > 1) expect(names, key).toEqual(['first', 'second']);
    }
    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 90_000);
});
