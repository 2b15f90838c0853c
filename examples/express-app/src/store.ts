import { createMemoryStore, createSqliteStore, type WebhookStore } from '@wearhook/core/stores';
import { createPostgresStore } from '@wearhook/store-postgres';

/**
 * The durable inbox, from the environment: `DATABASE_URL` (PostgreSQL, for several app instances
 * sharing one inbox), else `WEARHOOK_DB` (a SQLite file, default `./wearhook.db`; `memory` keeps
 * deliveries in memory only, for trying things out; `none` runs without a store: handlers run before
 * the 204 and nothing is retried or deduplicated, the configuration the benchmarks compare against).
 */
export async function openStore(env: NodeJS.ProcessEnv = process.env): Promise<{ store: WebhookStore | undefined; description: string }> {
  const databaseUrl = env.DATABASE_URL;
  if (databaseUrl !== undefined && databaseUrl !== '') {
    return { store: createPostgresStore({ connectionString: databaseUrl }), description: 'PostgreSQL (DATABASE_URL)' };
  }
  const db = env.WEARHOOK_DB ?? './wearhook.db';
  if (db === 'none') return { store: undefined, description: 'none (WEARHOOK_DB=none: handled before the 204, no retries recognised)' };
  if (db === 'memory') return { store: createMemoryStore(), description: 'memory (WEARHOOK_DB=memory: nothing survives a restart)' };
  const store = await createSqliteStore({ filename: db });
  return { store, description: `SQLite ${db} (${store.driver})` };
}
