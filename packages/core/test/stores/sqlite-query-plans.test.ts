import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSqliteDriver, type SqliteDatabase } from '../../src/stores/sqlite-driver.js';
import { SQLITE_STATEMENTS, type SqliteStatementName } from '../../src/stores/sqlite-statements.js';
import { createSqliteStore } from '../../src/stores/sqlite-store.js';
import { tempDir } from './sqlite-test-support.js';

/** The index each statement must use on the deliveries or records table (issue 8: no scans on hot paths). */
const EXPECTED_ACCESS: Record<SqliteStatementName, RegExp | 'no plan'> = {
  // An INSERT ... VALUES has no read plan; its conflict check is the UNIQUE index itself.
  insertDelivery: 'no plan',
  claim: /USING INDEX wearhook_deliveries_due/,
  finish: /USING INTEGER PRIMARY KEY/,
  retry: /USING INTEGER PRIMARY KEY/,
  release: /USING INTEGER PRIMARY KEY/,
  renew: /USING INTEGER PRIMARY KEY/,
  requeue: /USING INTEGER PRIMARY KEY/,
  listDead: /USING (COVERING )?INDEX wearhook_deliveries_dead/,
  purge: /USING (COVERING )?INDEX wearhook_deliveries_retained/,
  dropBodies: /USING (COVERING )?INDEX wearhook_deliveries_bodies/,
  getDelivery: /USING INDEX sqlite_autoindex_wearhook_deliveries_1/,
  upsertRecord: 'no plan',
  recordsOfUser: /USING PRIMARY KEY/,
  recordsOfKind: /USING PRIMARY KEY/,
};

let dir: ReturnType<typeof tempDir>;
let db: SqliteDatabase;
beforeEach(async () => {
  dir = tempDir();
  const filename = join(dir.path, 'plans.db');
  await (await createSqliteStore({ filename })).close();
  db = (await loadSqliteDriver()).open(filename);
});
afterEach(() => {
  db.close();
  dir.remove();
});

function plan(sql: string): string[] {
  return db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all().map((row) => String(row.detail));
}

/** Plan lines that read a wearhook table without an index: a full scan. */
function fullScans(lines: readonly string[]): string[] {
  return lines.filter((line) => /^SCAN wearhook_\w+$/.test(line) || /^SCAN wearhook_\w+ (?!USING)/.test(line));
}

describe('SQLite query plans (EXPLAIN QUERY PLAN)', () => {
  for (const [name, expected] of Object.entries(EXPECTED_ACCESS) as Array<[SqliteStatementName, RegExp | 'no plan']>) {
    it(`${name} uses its index, never a full scan`, () => {
      const lines = plan(SQLITE_STATEMENTS[name]);
      expect(fullScans(lines), lines.join('\n')).toEqual([]);
      if (expected === 'no plan') {
        expect(lines.filter((line) => line.includes('wearhook_')), lines.join('\n')).toEqual([]);
      } else {
        expect(lines.some((line) => expected.test(line)), lines.join('\n')).toBe(true);
      }
    });
  }

  it('covers every statement the store runs', () => {
    expect(Object.keys(EXPECTED_ACCESS).sort()).toEqual(Object.keys(SQLITE_STATEMENTS).sort());
  });

  it('would notice a full scan: without the due index the claim scans the table', () => {
    db.exec('DROP INDEX wearhook_deliveries_due');
    const lines = plan(SQLITE_STATEMENTS.claim);
    expect(fullScans(lines), lines.join('\n')).not.toEqual([]);
  });
});
