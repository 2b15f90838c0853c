import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@wearhook/core/stores';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killAllApps, post, startApp, waitUntil, type PostResult } from '../support/app-processes.js';
import { expireSqliteLeasesOf } from '../support/expire-leases.js';
import { handledBy } from '../support/inbox-checks.js';
import { PROCESS_SECRETS, vitalSleepVersion, type VersionedDelivery } from '../support/process-deliveries.js';

// Issue 8: the process dies in the middle of a group commit (the test-only hook
// WEARHOOK_TEST_FAULT=kill-before-commit, see packages/core/src/stores/test-faults.ts, SIGKILLs it
// after the writes of a multi-write batch ran and before its COMMIT). Nothing of that batch was
// acknowledged; after a restart every acknowledged delivery is handled, and the providers' retries of
// the others are accepted and handled.

const dirs: string[] = [];
afterEach(killAllApps);
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const runId = randomUUID().slice(0, 8);

describe('the Express example on SQLite, killed in the middle of a group commit', () => {
  it('acknowledged nothing of the lost batch, and handles every acknowledged delivery after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wearhook-gc-kill-'));
    dirs.push(dir);
    const db = join(dir, 'inbox.db');
    const env = { ...PROCESS_SECRETS, WEARHOOK_DB: db, DATABASE_URL: undefined };
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
        vitalSleepVersion({ userId: 'gc-user', summaryId: `gc-${runId}-${wave}-${i}`, version: 0, runId }),
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

    // Every 204 is in the file.
    const reader = await createSqliteStore({ filename: db });
    try {
      for (const d of acknowledged) expect(await reader.get('vital', d.deliveryKey), d.deliveryKey).toBeDefined();
    } finally {
      await reader.close();
    }

    // Restart (no fault); end the dead process's leases as the clock would after 60 s.
    await expireSqliteLeasesOf(db, first.pid);
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
    const twice = [...handledBy(processes).values()].filter((names) => names.length > 1).length;
    console.warn(`[group commit kill] ${JSON.stringify({ acknowledged: acknowledged.length, cutOff: notAcknowledged.length, twice })}`);
  }, 90_000);
});
