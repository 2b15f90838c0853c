import { expect } from 'vitest';
import { post, startApp, waitUntil, type PostResult } from './app-processes.js';
import { handledBy } from './inbox-checks.js';
import { PROCESS_SECRETS, vitalSleepVersion, type VersionedDelivery } from './process-deliveries.js';

/** What the scenario needs of the store under test. */
export interface KilledInboxStore {
  /** The example's environment that selects this store (WEARHOOK_DB or DATABASE_URL). */
  readonly env: Record<string, string | undefined>;
  /** Whether the store holds the delivery, read through a fresh connection after the kill. */
  readonly holds: (deliveryKeys: readonly string[]) => Promise<boolean[]>;
  /** Ends the leases the killed process `pid` held, as the clock would once they ran out. */
  readonly expireLeasesOf: (pid: number) => Promise<void>;
}

export interface KillOutcome {
  readonly acknowledged: number;
  readonly cutOff: number;
  readonly handledTwice: number;
}

/**
 * Issue 8's group-commit kill, for any store: the Express example dies at its fifth multi-write commit
 * (the test-only hook WEARHOOK_TEST_FAULT=kill-before-commit, packages/core/src/stores/test-faults.ts).
 * Asserts that every 204 is in the store, that after a restart every acknowledged delivery and every
 * retry of the others is handled, and that a delivery is handled twice only when its handler had run in
 * the killed process (its completion was in the lost batch).
 */
export async function killMidGroupCommitThenRestart(store: KilledInboxStore, runId: string): Promise<KillOutcome> {
  const env = { ...PROCESS_SECRETS, ...store.env };
  const script = 'examples/express-app/src/server.ts';
  const first = await startApp({ name: 'first', script, env: { ...env, NODE_ENV: 'test', WEARHOOK_TEST_FAULT: 'kill-before-commit:5' } });
  // Waves of concurrent sends, so requests share turns and commits, until the hook kills the process:
  // the waves before it were acknowledged, the one in flight was not.
  const deliveries: VersionedDelivery[] = [];
  const responses: PostResult[] = [];
  for (let wave = 0; wave < 30 && !first.hasExited(); wave++) {
    const batch = Array.from({ length: 8 }, (_, i) => vitalSleepVersion({ userId: `gc-${runId}`, summaryId: `gc-${runId}-${wave}-${i}`, version: 0, runId }));
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

  // Every 204 is in the store.
  const held = await store.holds(acknowledged.map((d) => d.deliveryKey));
  acknowledged.forEach((d, i) => expect(held[i], d.deliveryKey).toBe(true));

  await store.expireLeasesOf(first.pid);
  const second = await startApp({ name: 'second', script, env });
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
  let handledTwice = 0;
  for (const [key, names] of handledBy(processes)) {
    if (!keys.includes(key) || names.length < 2) continue;
    expect(names, key).toEqual(['first', 'second']);
    handledTwice += 1;
  }
  expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  return { acknowledged: acknowledged.length, cutOff: notAcknowledged.length, handledTwice };
}

