import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { quoteIdentifier } from '../../src/sql-names.js';

/** Gives every test its own schema in one database, dropped afterwards. */
export function schemaFactory(url: string) {
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  admin.on('error', () => {});
  return {
    name: (): string => `wearhook_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`,
    drop: async (schema: string): Promise<void> => {
      await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    },
    admin,
    end: () => admin.end(),
  };
}
