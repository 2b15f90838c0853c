import { StoreUnavailableError } from '@wearhook/core/stores';
import { afterAll, describe, expect, it } from 'vitest';
import { INSERTED, newDelivery } from '@wearhook/core/testing/store-contract';
import { createPostgresStore } from '../src/postgres-store.js';
import { acquirePostgres, startServer, stopServer } from './support/test-server.js';

// This file stops and restarts a server of its own (never WEARHOOK_TEST_DATABASE_URL's).
const OWN_PORT = 54331;
const own = await acquirePostgres(OWN_PORT, { own: true });

describe('PostgreSQL store when nothing listens', () => {
  it('rejects with StoreUnavailableError', async () => {
    const store = createPostgresStore({ connectionString: 'postgres://wearhook@127.0.0.1:1/postgres' });
    try {
      const attempt = store.putIfAbsent(newDelivery());
      await expect(attempt).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(attempt).rejects.toMatchObject({ status: 503, message: expect.stringContaining('ECONNREFUSED') });
      await expect(store.claim({ workerId: 'w', leaseMs: 1000, limit: 1 })).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(own === undefined)('PostgreSQL store when its server fails', () => {
  afterAll(async () => {
    if (own !== undefined) await stopServer(OWN_PORT, { clean: true });
  });

  it('rejects with StoreUnavailableError when a password is wrong, without echoing it', async () => {
    const url = new URL(own!.url);
    url.username = 'no_such_role';
    url.password = 's3cret-pw';
    const store = createPostgresStore({ connectionString: url.toString() });
    try {
      const error = await store.putIfAbsent(newDelivery()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).not.toContain('s3cret-pw');
    } finally {
      await store.close();
    }
  });

  it('fails while its server is stopped and recovers when it is back', async () => {
    const poolErrors: Error[] = [];
    const store = createPostgresStore({ connectionString: own!.url, schema: 'outage', onPoolError: (e) => poolErrors.push(e) });
    try {
      expect(await store.putIfAbsent(newDelivery())).toEqual(INSERTED);

      await stopServer(OWN_PORT);
      const during = newDelivery();
      await expect(store.putIfAbsent(during)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.claim({ workerId: 'w', leaseMs: 1000, limit: 5 })).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.upsertRecords('vital', [{ kind: 'k', userId: 'u', key: 'x', version: 1, data: 1 }])).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );

      await startServer(OWN_PORT);
      // The provider retries the delivery that got a 503; now it is stored.
      expect(await store.putIfAbsent(during)).toEqual(INSERTED);
      expect((await store.get(during.provider, during.deliveryKey))?.state).toBe('pending');
    } finally {
      await store.close();
    }
  });
});
