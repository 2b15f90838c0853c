import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@wearhook/core/stores';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killAllApps, post, runPool, seededRandom, shuffle, sleep, startApp, waitUntil, type AppProcess } from '../support/app-processes.js';
import { expireSqliteLeasesOf } from '../support/expire-leases.js';
import { expectInboxConsistent, handledBy } from '../support/inbox-checks.js';
import { PROCESS_SECRETS, terraSleep, thryveEpochVersion, vitalSleepVersion, type VersionedDelivery } from '../support/process-deliveries.js';

// Issue 4: kill -9 an app process while handlers run, restart it on the same SQLite file: every
// acknowledged delivery is dispatched at least once, record effects happen exactly once, and the
// records end at their newest versions.

const dirs: string[] = [];
afterEach(killAllApps);
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wearhook-crash-'));
  dirs.push(dir);
  return join(dir, 'inbox.db');
}

/** `perProvider` records of Vital sleep summaries and of Thryve epoch points, `versions` versions each. */
function versionedDeliveries(runId: string, perProvider: number, versions: number): VersionedDelivery[] {
  const deliveries: VersionedDelivery[] = [];
  for (let r = 0; r < perProvider; r++) {
    for (let v = 0; v < versions; v++) {
      deliveries.push(vitalSleepVersion({ userId: `vital-user-${r % 5}`, summaryId: `${runId}-sleep-${r}`, version: v, runId }));
      deliveries.push(thryveEpochVersion({ endUserId: `${runId}-thryve-user-${r % 5}`, startIndex: r, version: v }));
    }
  }
  return deliveries;
}

/** Every delivery once plus `duplicateShare` of them again, shuffled: versions arrive out of order. */
function withDuplicates(deliveries: readonly VersionedDelivery[], duplicateShare: number, random: () => number): VersionedDelivery[] {
  const duplicates = Math.round((deliveries.length * duplicateShare) / (1 - duplicateShare));
  const extra = Array.from({ length: duplicates }, () => deliveries[Math.floor(random() * deliveries.length)]!);
  return shuffle([...deliveries, ...extra], random);
}

interface Sender {
  readonly acknowledged: Set<string>;
  /** Sends not answered 204 (refused, reset, 503...): a provider would retry them. */
  readonly failed: VersionedDelivery[];
  sent: number;
}

function newSender(): Sender {
  return { acknowledged: new Set(), failed: [], sent: 0 };
}

async function send(
  app: AppProcess,
  sender: Sender,
  deliveries: readonly VersionedDelivery[],
  concurrency: number,
  stop = () => false,
  paceMs = 0,
): Promise<void> {
  await runPool(
    deliveries,
    concurrency,
    async (delivery) => {
      const { body, headers } = delivery.sign();
      const response = await post(app.url(delivery.path), body, headers);
      sender.sent += 1;
      if (response.status === 204) sender.acknowledged.add(delivery.deliveryKey);
      else if (response.status === 0) sender.failed.push(delivery);
      else throw new Error(`${delivery.deliveryKey}: unexpected ${response.status} ${response.body}`);
      if (paceMs > 0) await sleep(paceMs);
    },
    stop,
  );
}

/** Retries what failed, as a provider would, until everything was acknowledged once. */
async function retryUntilAcknowledged(app: AppProcess, sender: Sender, pending: readonly VersionedDelivery[]): Promise<void> {
  let batch = [...pending];
  for (let round = 0; round < 5 && batch.length > 0; round++) {
    sender.failed.length = 0;
    await send(app, sender, batch, 8);
    batch = [...sender.failed];
  }
  expect(batch.map((delivery) => delivery.deliveryKey), 'deliveries the restarted app never acknowledged').toEqual([]);
}

function serverEnv(db: string, extra: Record<string, string>): Record<string, string | undefined> {
  return { ...PROCESS_SECRETS, WEARHOOK_DB: db, DATABASE_URL: undefined, ...extra };
}

describe('SIGKILL while handlers run, restart on the same SQLite file', () => {
  it('handles every acknowledged delivery at least once and applies each record version once (300 deliveries, 30% duplicates, 200 ms handlers)', async () => {
    const db = tempDb();
    const random = seededRandom(4);
    const unique = versionedDeliveries('crash', 32, 3); // 192 distinct deliveries, 64 records
    // Terra's records carry no version: the later-received delivery wins, the one rule the others skip.
    for (let i = 0; i < 18; i++) unique.push(terraSleep({ userId: `crash-terra-user-${i % 7}`, summaryId: `crash-terra-${i}`, runId: 'crash' }));
    const sends = withDuplicates(unique, 0.3, random); // 300 sends of 210 distinct deliveries
    expect(sends).toHaveLength(300);
    // A short lease, so what the killed process held is reclaimed 2 s after its claim, not 60 s.
    const env = serverEnv(db, { HANDLER_DELAY_MS: '200', LEASE_MS: '2000', POLL_MS: '100', CONCURRENCY: '4' });

    const first = await startApp({ name: 'inbox-server (run 1)', script: 'test/processes/fixtures/inbox-server.ts', env });
    const sender = newSender();
    let killed = false;
    // Paced at roughly 100 sends/s, so the kill comes mid-way through the sends too.
    const sending = send(first, sender, sends, 4, () => killed, 30);
    // Mid-way through the sends, while handlers run (8 at a time, 200 ms each).
    await waitUntil(
      () => (sender.sent >= 150 && handledBy([first]).size >= 16) || first.hasExited(),
      30_000,
      () => `sent ${sender.sent}, handled ${handledBy([first]).size}`,
    );
    expect(first.hasExited(), first.stderr()).toBe(false);
    first.child.kill('SIGKILL');
    killed = true;
    await first.exited;
    await sending;
    const acknowledgedBeforeKill = sender.acknowledged.size;

    const handledInFirst = handledBy([first]);
    // Mid-way: some acknowledged deliveries were still waiting for (or in) their handlers.
    expect(sender.acknowledged.size).toBeGreaterThan(80);
    expect(handledInFirst.size).toBeGreaterThan(0);
    expect(handledInFirst.size).toBeLessThan(sender.acknowledged.size);

    const unsent = sends.slice(sender.sent);
    const second = await startApp({ name: 'inbox-server (run 2)', script: 'test/processes/fixtures/inbox-server.ts', env });
    await retryUntilAcknowledged(second, sender, [...sender.failed, ...unsent]);

    const processes = [
      { name: 'run 1', lines: first.lines },
      { name: 'run 2', lines: second.lines },
    ];
    const everyKey = new Set(unique.map((delivery) => delivery.deliveryKey));
    await waitUntil(
      () => [...everyKey].every((key) => handledBy(processes).has(key)),
      40_000,
      () => `${[...everyKey].filter((key) => !handledBy(processes).has(key)).length} deliveries not handled yet`,
    );
    // Deliveries the killed process had handled but not completed are handled again after their lease.
    const store = await createSqliteStore({ filename: db });
    try {
      await waitForCompleted(store, unique, 20_000);
      expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      const summary = await expectInboxConsistent(store, {
        deliveries: unique,
        acknowledged: sender.acknowledged,
        processes,
        // Run 1 had at most 4 deliveries per provider worker (Thryve, Terra, Vital) in flight when killed.
        maxRedispatched: 12,
        effectsPrinted: true,
        recordsStored: true,
      });
      console.warn(`[crash 300] ${JSON.stringify({ ...summary, handledBeforeKill: handledInFirst.size, acknowledgedBeforeKill })}`);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe('the Express example, SIGKILLed mid-way through 1,000 deliveries with duplicates, then started again', () => {
  it('ends with every unique acknowledged delivery handled, and no records kept (the example does not ask for them)', async () => {
    const db = tempDb();
    const random = seededRandom(1000);
    const unique: VersionedDelivery[] = [...versionedDeliveries('example', 100, 3)];
    for (let i = 0; i < 100; i++) unique.push(terraSleep({ userId: `terra-user-${i % 7}`, summaryId: `example-terra-${i}`, runId: 'example' }));
    const sends = withDuplicates(unique, 0.3, random); // 700 distinct, 300 duplicates
    expect(sends).toHaveLength(1000);
    const env = serverEnv(db, { WEARHOOK_DB: db });

    const first = await startApp({ name: 'express example (run 1)', script: 'examples/express-app/src/server.ts', env });
    const sender = newSender();
    let killed = false;
    const sending = send(first, sender, sends, 16, () => killed);
    await waitUntil(() => sender.sent >= 500 || first.hasExited(), 40_000, () => `sent ${sender.sent}`);
    expect(first.hasExited(), first.stderr()).toBe(false);
    first.child.kill('SIGKILL');
    killed = true;
    await first.exited;
    await sending;
    const acknowledgedBeforeKill = sender.acknowledged.size;
    const handledBeforeKill = handledBy([first]).size;

    // The example runs its workers with the default 60 s lease: what the killed process had claimed
    // stays leased to it for up to a minute after the restart. Rather than wait that minute, expire
    // those leases now, exactly as the clock would: only leases of the dead pid, nothing else touched.
    const leftLeased = await expireSqliteLeasesOf(db, first.pid);

    const second = await startApp({ name: 'express example (run 2)', script: 'examples/express-app/src/server.ts', env });
    await retryUntilAcknowledged(second, sender, [...sender.failed, ...sends.slice(sender.sent)]);
    const processes = [
      { name: 'run 1', lines: first.lines },
      { name: 'run 2', lines: second.lines },
    ];
    const everyKey = new Set(unique.map((delivery) => delivery.deliveryKey));
    await waitUntil(
      () => [...everyKey].every((key) => handledBy(processes).has(key)),
      40_000,
      () => `${[...everyKey].filter((key) => !handledBy(processes).has(key)).length} deliveries not handled yet`,
    );
    const store = await createSqliteStore({ filename: db });
    try {
      await waitForCompleted(store, unique, 20_000);
      expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      const summary = await expectInboxConsistent(store, {
        deliveries: unique,
        acknowledged: sender.acknowledged,
        processes,
        // Three provider workers of at most 4 in-flight deliveries each in the killed process.
        maxRedispatched: 12,
        effectsPrinted: false,
        recordsStored: false,
      });
      console.warn(`[example 1000] ${JSON.stringify({ ...summary, acknowledgedBeforeKill, handledBeforeKill, leasesOfKilledProcess: leftLeased })}`);
    } finally {
      await store.close();
    }
  }, 90_000);
});

async function waitForCompleted(store: Awaited<ReturnType<typeof createSqliteStore>>, deliveries: readonly VersionedDelivery[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let open = [...deliveries];
  while (open.length > 0) {
    const states = await Promise.all(open.map((delivery) => store.get(delivery.provider, delivery.deliveryKey)));
    open = open.filter((_, index) => states[index]?.state !== 'completed');
    if (open.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${open.length} deliveries not completed after ${timeoutMs} ms, e.g. ${open[0]!.deliveryKey}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
