import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@wearhook/core/stores';
import { afterAll, afterEach, describe, it } from 'vitest';
import { killAllApps } from '../support/app-processes.js';
import { expireSqliteLeasesOf } from '../support/expire-leases.js';
import { killMidGroupCommitThenRestart } from '../support/group-commit-kill.js';

// Issue 8: the process dies in the middle of a group commit, after the writes of a multi-write batch
// ran and before its COMMIT (the scenario and its assertions: ../support/group-commit-kill.ts).

const dirs: string[] = [];
afterEach(killAllApps);
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the Express example on SQLite, killed in the middle of a group commit', () => {
  it('acknowledged nothing of the lost batch, and handles every acknowledged delivery after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wearhook-gc-kill-'));
    dirs.push(dir);
    const db = join(dir, 'inbox.db');
    const outcome = await killMidGroupCommitThenRestart(
      {
        env: { WEARHOOK_DB: db, DATABASE_URL: undefined },
        holds: async (keys) => {
          const reader = await createSqliteStore({ filename: db });
          try {
            return await Promise.all(keys.map(async (key) => (await reader.get('vital', key)) !== undefined));
          } finally {
            await reader.close();
          }
        },
        expireLeasesOf: async (pid) => void (await expireSqliteLeasesOf(db, pid)),
      },
      randomUUID().slice(0, 8),
    );
    console.warn(`[group commit kill] ${JSON.stringify(outcome)}`);
  }, 90_000);
});
