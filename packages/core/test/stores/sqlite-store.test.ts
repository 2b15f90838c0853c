import { describe, expect, it } from 'vitest';
import { loadSqliteDriver, type SqliteDriverName } from '../../src/stores/sqlite-driver.js';
import { createSqliteStore } from '../../src/stores/sqlite-store.js';
import { nodeHasBuiltinSqlite, tempDir } from './sqlite-test-support.js';
import { describeWebhookStoreContract } from '../../src/testing/store-contract.js';

// On Node 20 only the package can run; on Node 22.13+ both must, so each CI Node exercises its path.
const drivers: SqliteDriverName[] = nodeHasBuiltinSqlite()
  ? ['node:sqlite', '@photostructure/sqlite']
  : ['@photostructure/sqlite'];

for (const driver of drivers) {
  describeWebhookStoreContract(`sqlite (${driver})`, async () => {
    const dir = tempDir();
    const filename = `${dir.path}/inbox.db`;
    return {
      open: () => createSqliteStore({ filename, driver }),
      dispose: async () => dir.remove(),
    };
  }, { commitFaults: true });
}

describe('SQLite driver selection', () => {
  it(`auto uses node:sqlite exactly when Node ${process.versions.node} has it, else the package`, async () => {
    const expected: SqliteDriverName = nodeHasBuiltinSqlite() ? 'node:sqlite' : '@photostructure/sqlite';
    expect((await loadSqliteDriver()).name).toBe(expected);
    const dir = tempDir();
    try {
      const store = await createSqliteStore({ filename: `${dir.path}/auto.db` });
      expect(store.driver).toBe(expected);
      await store.close();
    } finally {
      dir.remove();
    }
  });

  it('tells node:sqlite apart from the package on this Node', async () => {
    if (nodeHasBuiltinSqlite()) {
      expect((await loadSqliteDriver('node:sqlite')).name).toBe('node:sqlite');
    } else {
      await expect(loadSqliteDriver('node:sqlite')).rejects.toThrow();
    }
    expect((await loadSqliteDriver('@photostructure/sqlite')).name).toBe('@photostructure/sqlite');
  });
});
