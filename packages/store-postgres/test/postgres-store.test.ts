import { afterAll, describe, expect, it } from 'vitest';
import { describeWebhookStoreContract, newDelivery } from '@wearhook/core/testing/store-contract';
import { createPostgresStore } from '../src/postgres-store.js';
import { schemaFactory } from './support/schemas.js';
import { acquirePostgres } from './support/test-server.js';

const server = await acquirePostgres(54329);

describe.skipIf(server === undefined)('PostgreSQL store', () => {
  const url = server?.url ?? '';
  const schemas = schemaFactory(url);
  afterAll(async () => {
    await schemas.end();
    await server?.stop();
  });

  describeWebhookStoreContract('postgres', async () => {
    const schema = schemas.name();
    return {
      open: async () => createPostgresStore({ connectionString: url, schema }),
      dispose: () => schemas.drop(schema),
    };
  }, { commitFaults: true });

  it('claims every delivery exactly once under many truly concurrent workers', async () => {
    const schema = schemas.name();
    const stores = Array.from({ length: 6 }, () => createPostgresStore({ connectionString: url, schema, poolConfig: { max: 4 } }));
    try {
      const keys = new Set<string>();
      const now = new Date('2030-01-01T00:00:00Z');
      for (let i = 0; i < 20; i++) {
        await Promise.all(
          Array.from({ length: 10 }, () => {
            const d = newDelivery({ receivedAt: new Date(now.getTime() - 1000) });
            keys.add(d.deliveryKey);
            return stores[0]!.putIfAbsent(d);
          }),
        );
      }
      const claimedBy = new Map<string, string>();
      await Promise.all(
        stores.flatMap((store, s) =>
          Array.from({ length: 4 }, async (_, w) => {
            const workerId = `s${s}w${w}`;
            for (;;) {
              const batch = await store.claim({ workerId, leaseMs: 60_000, limit: 3, now });
              if (batch.length === 0) return;
              for (const d of batch) {
                expect(claimedBy.has(d.deliveryKey), `${d.deliveryKey} claimed twice`).toBe(false);
                claimedBy.set(d.deliveryKey, workerId);
              }
            }
          }),
        ),
      );
      expect(new Set(claimedBy.keys())).toEqual(keys);
      // The work was actually spread: more than one worker got some.
      expect(new Set(claimedBy.values()).size).toBeGreaterThan(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await schemas.drop(schema);
    }
  });

  it('applies concurrent record upserts of overlapping keys without deadlocks or lost updates', async () => {
    const schema = schemas.name();
    const stores = Array.from({ length: 4 }, () => createPostgresStore({ connectionString: url, schema }));
    try {
      await stores[0]!.getRecords({ provider: 'vital', userId: 'warm-up' }); // migrate once, up front
      const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, version) =>
          stores[version % stores.length]!.upsertRecords(
            'vital',
            // Half the batches list the keys backwards.
            (version % 2 === 0 ? keys : [...keys].reverse()).map((key) => ({
              kind: 'vital.timeseries.heartrate',
              userId: 'u1',
              key,
              version,
              data: { version },
            })),
          ),
        ),
      );
      const stored = await stores[0]!.getRecords({ provider: 'vital', userId: 'u1' });
      expect(stored).toHaveLength(keys.length);
      for (const record of stored) expect(record).toMatchObject({ version: 15, data: { version: 15 } });
      const applied = results.reduce((sum, r) => sum + r.applied, 0);
      expect(applied).toBe(stored.reduce((sum, r) => sum + r.revision, 0));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await schemas.drop(schema);
    }
  });
});
