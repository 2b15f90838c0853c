import { randomUUID } from 'node:crypto';
import { createPostgresStore } from '@wearhook/store-postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { acquirePostgres } from '../../packages/store-postgres/test/support/test-server.js';
import { killAllApps, post, runPool, seededRandom, shuffle, startApp, waitUntil, type AppProcess } from '../support/app-processes.js';
import { expectInboxConsistent, handledBy } from '../support/inbox-checks.js';
import { PROCESS_SECRETS, thryveEpochVersion, vitalSleepVersion, type VersionedDelivery } from '../support/process-deliveries.js';

// Issue 4: two app processes sharing one PostgreSQL, concurrent senders, 30% duplicate deliveries and
// out-of-order updates of the same records: no delivery lost, no record effect applied twice, the
// final records equal the newest versions.
//
// The server: WEARHOOK_TEST_DATABASE_URL, else a throwaway one of scripts/postgres/start.sh on this
// file's own port. Without either this file fails (in CI always); it skips only outside CI with
// WEARHOOK_SKIP_POSTGRES=1.
const PORT = 54340;
const server = await acquirePostgres(PORT);
const schema = `wearhook_two_${randomUUID().replaceAll('-', '').slice(0, 10)}`;

afterAll(async () => {
  await killAllApps();
  if (server !== undefined) {
    const admin = createPostgresStore({ connectionString: server.url, migrate: false, onPoolError: () => {} });
    await admin.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => admin.close());
    await server.stop();
  }
});

type Target = 0 | 1 | 'both';
interface Send {
  readonly delivery: VersionedDelivery;
  readonly target: Target;
}

/**
 * The send plan: every version of every record, Vital summaries newest first (updated_at descending)
 * and Thryve points in a random order, records interleaved at random; each delivery also re-sent with
 * the probability that makes 30% of all sends duplicates, half of those to both processes at the same
 * instant (two processes racing to store one delivery key), half later to either.
 */
function plan(random: () => number): { unique: VersionedDelivery[]; sends: Send[] } {
  const queues: VersionedDelivery[][] = [];
  for (let r = 0; r < 40; r++) {
    const vital = [0, 1, 2, 3].map((v) => vitalSleepVersion({ userId: `pg-vital-user-${r % 4}`, summaryId: `pg-sleep-${r}`, version: v, runId: 'pg' }));
    queues.push(vital.reverse());
    const thryve = [0, 1, 2, 3].map((v) => thryveEpochVersion({ endUserId: `pg-thryve-user-${r % 4}`, startIndex: r, version: v }));
    queues.push(shuffle(thryve, random));
  }
  const unique = queues.flat();
  const sends: Send[] = [];
  const later: Send[] = [];
  const duplicateProbability = 0.3 / 0.7; // duplicates / all sends = 0.3
  while (queues.some((queue) => queue.length > 0)) {
    const open = queues.filter((queue) => queue.length > 0);
    const delivery = open[Math.floor(random() * open.length)]!.shift()!;
    const target: Target = random() < 0.5 ? 0 : 1;
    if (random() < duplicateProbability) {
      if (random() < 0.5) sends.push({ delivery, target: 'both' });
      else {
        sends.push({ delivery, target });
        later.push({ delivery, target: random() < 0.5 ? 0 : 1 });
      }
    } else {
      sends.push({ delivery, target });
    }
    // Re-sends of earlier deliveries trickle in among the new ones.
    if (later.length > 0 && random() < 0.5) sends.push(later.shift()!);
  }
  sends.push(...later);
  return { unique, sends };
}

describe.skipIf(server === undefined)('two app processes sharing one PostgreSQL', () => {
  it('lose no delivery, apply no record effect twice and end with the newest versions', async () => {
    const random = seededRandom(2);
    const { unique, sends } = plan(random);
    const deliveriesSent = sends.reduce((sum, send) => sum + (send.target === 'both' ? 2 : 1), 0);
    const duplicateShare = (deliveriesSent - unique.length) / deliveriesSent;
    expect(duplicateShare).toBeGreaterThan(0.25);
    expect(duplicateShare).toBeLessThan(0.35);

    const env = {
      ...PROCESS_SECRETS,
      DATABASE_URL: server!.url,
      PG_SCHEMA: schema,
      WEARHOOK_DB: undefined,
      HANDLER_DELAY_MS: '20',
      LEASE_MS: '30000',
      POLL_MS: '100',
      CONCURRENCY: '4',
    };
    // Both start at once, so both apply the migrations on first use at the same time too.
    const apps: AppProcess[] = await Promise.all([
      startApp({ name: 'inbox-server A', script: 'test/processes/fixtures/inbox-server.ts', env }),
      startApp({ name: 'inbox-server B', script: 'test/processes/fixtures/inbox-server.ts', env }),
    ]);

    const acknowledged = new Set<string>();
    const ackedBy = [0, 0];
    const statuses = new Map<number, number>();
    const deliver = async (app: number, delivery: VersionedDelivery) => {
      const { body, headers } = delivery.sign();
      const response = await post(apps[app]!.url(delivery.path), body, headers);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status === 204) {
        acknowledged.add(delivery.deliveryKey);
        ackedBy[app]! += 1;
      }
    };
    const started = Date.now();
    await runPool(sends, 12, async ({ delivery, target }) => {
      if (target === 'both') await Promise.all([deliver(0, delivery), deliver(1, delivery)]);
      else await deliver(target, delivery);
    });
    const sendMs = Date.now() - started;
    expect(Object.fromEntries(statuses)).toEqual({ 204: deliveriesSent });

    const processes = apps.map((app) => ({ name: app.name, lines: app.lines }));
    await waitUntil(
      () => unique.every((delivery) => handledBy(processes).has(delivery.deliveryKey)),
      40_000,
      () => `${unique.filter((delivery) => !handledBy(processes).has(delivery.deliveryKey)).length} deliveries not handled yet`,
    );
    // Both processes took deliveries and both workers dispatched from the shared inbox.
    expect(ackedBy[0]).toBeGreaterThan(0);
    expect(ackedBy[1]).toBeGreaterThan(0);
    const handledPerProcess = apps.map((app) => handledBy([{ name: app.name, lines: app.lines }]).size);
    expect(handledPerProcess[0]).toBeGreaterThan(0);
    expect(handledPerProcess[1]).toBeGreaterThan(0);

    for (const app of apps) expect(await app.stop('SIGTERM'), app.stderr()).toEqual({ code: 0, signal: null });

    const store = createPostgresStore({ connectionString: server!.url, schema });
    try {
      const summary = await expectInboxConsistent(store, {
        deliveries: unique,
        acknowledged,
        processes,
        maxRedispatched: 0,
        effectsPrinted: true,
        recordsStored: true,
      });
      console.warn(`[postgres two processes] ${JSON.stringify({ ...summary, deliveriesSent, sendMs, ackedBy, handledPerProcess })}`);
    } finally {
      await store.close();
    }
  }, 60_000);
});
