import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWebhookStoreContract, newDelivery } from '@wearhook/core/testing/store-contract';
import { createPostgresStore, MAX_TEXT_PARAMS } from '../src/postgres-store.js';
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

  describe('bounded waits', () => {
    it('sets lock, idle-in-transaction and statement timeouts on its own connections, unless poolConfig sets them', async () => {
      const schema = schemas.name();
      const own = createPostgresStore({ connectionString: url, schema });
      const connected: string[] = [];
      const configured = createPostgresStore({
        connectionString: url,
        schema,
        poolConfig: { lock_timeout: 2_500, onConnect: async (client) => void connected.push(String((await client.query('SHOW lock_timeout')).rows[0].lock_timeout)) },
      });
      try {
        const show = async (store: typeof own, name: string) => Object.values((await store.pool.query(`SHOW ${name}`)).rows[0] as object)[0];
        expect(await show(own, 'lock_timeout')).toBe('1s');
        expect(await show(own, 'idle_in_transaction_session_timeout')).toBe('10s');
        expect(await show(own, 'statement_timeout')).toBe('30s');
        expect(await show(configured, 'lock_timeout')).toBe('2500ms');
        expect(await show(configured, 'statement_timeout')).toBe('30s');
        // The app's own onConnect runs too, after the store's settings.
        expect(connected.length).toBeGreaterThan(0);
        expect(new Set(connected)).toEqual(new Set(['2500ms']));
        // One the server already has (here from the connection string's options) stands.
        const fromUrl = new URL(url);
        fromUrl.searchParams.set('options', '-c statement_timeout=45000');
        const withOptions = createPostgresStore({ connectionString: fromUrl.toString(), schema });
        try {
          expect(await show(withOptions, 'statement_timeout')).toBe('45s');
          expect(await show(withOptions, 'lock_timeout')).toBe('1s');
        } finally {
          await withOptions.close();
        }
      } finally {
        await Promise.all([own.close(), configured.close()]);
        await schemas.drop(schema);
      }
    });

    it("fails a write blocked by another session's lock within seconds, and commits the rest of its batch", async () => {
      const schema = schemas.name();
      const store = createPostgresStore({ connectionString: url, schema });
      // Another instance, frozen between BEGIN and COMMIT while it holds a delivery's row.
      const frozen = new pg.Client({ connectionString: url });
      try {
        const [blocked, free] = [newDelivery(), newDelivery()];
        await store.putIfAbsent(blocked);
        await store.putIfAbsent(free);
        const claimed = await store.claim({ workerId: 'w', leaseMs: 60_000, limit: 2 });
        const idOf = (key: string) => claimed.find((d) => d.deliveryKey === key)!.id;
        await frozen.connect();
        await frozen.query('BEGIN');
        await frozen.query(`SELECT 1 FROM ${JSON.stringify(schema)}.wearhook_deliveries WHERE delivery_key = $1 FOR UPDATE`, [blocked.deliveryKey]);
        const started = Date.now();
        // One turn, so one batch.
        const outcomes = await Promise.allSettled([store.complete(idOf(blocked.deliveryKey), 'w'), store.complete(idOf(free.deliveryKey), 'w')]);
        const seconds = (Date.now() - started) / 1000;
        expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: { name: 'StoreUnavailableError', status: 503 } });
        expect(outcomes[1]).toEqual({ status: 'fulfilled', value: true });
        // 1 s of lock_timeout in the batch, 1 s more when the blocked write is rerun alone.
        expect(seconds).toBeLessThan(5);
        expect((await store.get(free.provider, free.deliveryKey))?.state).toBe('completed');
      } finally {
        await frozen.end().catch(() => {});
        await store.close();
        await schemas.drop(schema);
      }
    });
  });

  it('recovers when the server forgot its prepared statements (DEALLOCATE ALL on its connection)', async () => {
    const schema = schemas.name();
    const store = createPostgresStore({ connectionString: url, schema, poolConfig: { max: 1 } });
    try {
      // Prepares the insert on the pool's one connection, then makes the server forget it there.
      await store.putIfAbsent(newDelivery());
      await store.pool.query('DEALLOCATE ALL');
      // The write that meets the forgotten statement may fail (503, the provider retries); the ones after it must not.
      await store.putIfAbsent(newDelivery()).catch(() => undefined);
      const later = newDelivery();
      expect(await store.putIfAbsent(later)).toMatchObject({ inserted: true });
      expect((await store.get(later.provider, later.deliveryKey))?.state).toBe('pending');
    } finally {
      await store.close();
      await schemas.drop(schema);
    }
  });

  describe('one statement per batch', () => {
    const record = (key: string, version: number, data: unknown) => ({ kind: 'vital.sleep', userId: 'batch-user', key, version, data });
    /** A pool whose clients record the text of every statement they send. */
    const recordingPool = () => {
      const pool = new pg.Pool({ connectionString: url, max: 4 });
      const sent: string[] = [];
      pool.on('connect', (client) => {
        const original = client.query.bind(client) as (...args: unknown[]) => unknown;
        (client as { query: unknown }).query = (...args: unknown[]) => {
          const [first] = args;
          sent.push(typeof first === 'string' ? first : String((first as { text?: unknown }).text));
          return original(...args);
        };
      });
      return { pool, sent };
    };
    /**
     * A store on a recording pool in a schema of its own, migrated (its first statements are not
     * recorded), dropped after `run`.
     */
    const withRecordingStore = async (
      options: Omit<Parameters<typeof createPostgresStore>[0], 'pool' | 'schema' | 'connectionString'>,
      run: (store: ReturnType<typeof createPostgresStore>, sent: string[]) => Promise<void>,
    ) => {
      const schema = schemas.name();
      const { pool, sent } = recordingPool();
      const store = createPostgresStore({ ...options, pool, schema });
      try {
        await store.getRecords({ provider: 'vital', userId: 'warm-up' });
        sent.length = 0;
        await run(store, sent);
      } finally {
        await store.close();
        await pool.end();
        await schemas.drop(schema);
      }
    };

    it('splits the writes of one turn into batches of at most maxBatchRows rows', async () => {
      await withRecordingStore({ maxBatchRows: 5, maxCommitsInFlight: 1 }, async (store, sent) => {
        const writes = [3, 2, 4, 1, 7, 1].map((n, w) =>
          store.upsertRecords('vital', Array.from({ length: n }, (_, i) => record(`w${w}r${i}`, 1, i))),
        );
        expect(await Promise.all(writes)).toEqual([3, 2, 4, 1, 7, 1].map((n) => ({ applied: n })));
        // 3+2 | 4+1 | 7 alone (one write is never split) | 1
        expect(sent.filter((text) => text.includes('INSERT INTO'))).toHaveLength(4);
        expect(await store.getRecords({ provider: 'vital', userId: 'batch-user' })).toHaveLength(18);
      });
    });

    it('applies record upserts of one turn that share records in call order, each counting its own changes', async () => {
      await withRecordingStore({}, async (store, sent) => {
        // All in one turn, so one batch: `a` is written three times, which one statement cannot do:
        // three statements in order, not a failed statement and a rerun write by write.
        const results = await Promise.all([
          store.upsertRecords('vital', [record('a', 1, 'a1')]),
          store.upsertRecords('vital', [record('a', 3, 'a3'), record('b', 1, 'b1')]),
          store.upsertRecords('vital', [record('a', 2, 'a2'), record('c', 1, 'c1')]),
          store.upsertRecords('terra', [record('a', 1, 'terra')]),
        ]);
        expect(results).toEqual([{ applied: 1 }, { applied: 2 }, { applied: 1 }, { applied: 1 }]);
        const stored = await store.getRecords({ provider: 'vital', userId: 'batch-user' });
        expect(stored.map((r) => [r.key, r.data, r.revision])).toEqual([
          ['a', 'a3', 2],
          ['b', 'b1', 1],
          ['c', 'c1', 1],
        ]);
        const batch = sent.slice(0, sent.indexOf('COMMIT') + 1);
        expect(batch.map((text) => text.trim().split(/\s/)[0])).toEqual(['BEGIN', 'INSERT', 'INSERT', 'INSERT', 'COMMIT']);
      });
    });

    it('stores each body and record of a batch of any size exactly, sent as parameters of their own, with batch sizes sharing statements', async () => {
      await withRecordingStore({ maxCommitsInFlight: 1 }, async (store, sent) => {
        // What an array literal would have to escape: quotes, backslashes, braces, commas, NULL, blanks.
        const awkward = ['{"a":"q\\"uote"}', '{"b":"back\\\\slash"}', '{"c":"{,}"}', 'NULL', ' ', '{"d":"zażółć 😀"}'];
        for (const size of [1, 3, 4, 5, 17]) {
          const deliveries = Array.from({ length: size }, (_, i) => newDelivery({ body: `${awkward[i % awkward.length]!}${' '.repeat(i)}` }));
          const duplicate = { ...deliveries[0]!, body: 'second write of the same key' };
          const results = await Promise.all([...deliveries.map((d) => store.putIfAbsent(d)), store.putIfAbsent(duplicate)]);
          expect(results.slice(0, size).every((r) => r.inserted)).toBe(true);
          expect(results[size]).toEqual({ inserted: false });
          expect(new Set(results.slice(0, size).map((r) => (r as { id: string }).id)).size).toBe(size);
          for (const d of deliveries) expect((await store.get('vital', d.deliveryKey))?.body).toBe(d.body);
        }
        const inserts = sent.filter((text) => text.includes('INSERT INTO'));
        expect(inserts).toHaveLength(5); // one statement per batch
        // Padded to a power of two: 3 and 4 rows (plus the duplicate: 4 and 5 writes) are 4 and 8 bodies...
        expect(inserts.map((text) => (/ARRAY\[([^\]]*)\]/.exec(text)?.[1] ?? '').split(',').length)).toEqual([2, 4, 8, 8, 32]);
        // ...so batches of 5 and 6 writes share one statement text.
        expect(inserts[2]).toBe(inserts[3]);

        // Record data goes the same way: 3 records are 4 parameters.
        sent.length = 0;
        const data = [{ q: 'q"uote' }, { b: 'back\\slash', c: '{,}' }, 'NULL'];
        await store.upsertRecords('vital', data.map((d, i) => record(`awkward-${i}`, 1, d)));
        expect((/ARRAY\[([^\]]*)\]/.exec(sent.find((text) => text.includes('INSERT INTO')) ?? '')?.[1] ?? '').split(',')).toHaveLength(4);
        const stored = await store.getRecords({ provider: 'vital', userId: 'batch-user' });
        expect(stored.filter((r) => r.key.startsWith('awkward-')).map((r) => r.data)).toEqual(data);
      });
    });

    it('upserts more records in one call than a statement could take as parameters of their own', async () => {
      await withRecordingStore({}, async (store, sent) => {
        // Padded to 65,536 parameters of their own, this would be past PostgreSQL's 65,535; and more
        // records than one Math.max(...spread) call takes as arguments (it overflowed the stack).
        const many = 160_000;
        expect(many).toBeGreaterThan(MAX_TEXT_PARAMS);
        const result = await store.upsertRecords('vital', Array.from({ length: many }, (_, i) => record(`many-${i}`, 1, { i, q: '"' })));
        expect(result).toEqual({ applied: many });
        const insert = sent.find((text) => text.includes('INSERT INTO')) ?? '';
        expect(insert).not.toContain('ARRAY[');
        const stored = await store.getRecords({ provider: 'vital', userId: 'batch-user' });
        expect(stored).toHaveLength(many);
        expect(stored.find((r) => r.key === `many-${many - 1}`)?.data).toEqual({ i: many - 1, q: '"' });
      });
    });

    it('rejects only the refused write when puts, completions and record upserts share a batch', async () => {
      const schema = schemas.name();
      const store = createPostgresStore({ connectionString: url, schema });
      try {
        const leased = newDelivery({ lease: { workerId: 'w', leaseMs: 60_000 } });
        const { id } = (await store.putIfAbsent(leased)) as { id: string };
        const good = newDelivery();
        const refused = newDelivery({ state: 'exploded' as unknown as 'pending' });
        const settled = await Promise.allSettled([
          store.putIfAbsent(good),
          store.complete(id, 'w'),
          store.putIfAbsent(refused),
          store.upsertRecords('vital', [record('r', 1, 'kept')]),
          store.complete(id, 'w'),
        ]);
        expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : 'rejected'))).toEqual([
          { inserted: true, id: expect.any(String) },
          true,
          'rejected',
          { applied: 1 },
          false,
        ]);
        expect(await store.get('vital', good.deliveryKey)).toBeDefined();
        expect(await store.get('vital', refused.deliveryKey)).toBeUndefined();
        expect((await store.get('vital', leased.deliveryKey))?.state).toBe('completed');
        expect(await store.getRecords({ provider: 'vital', userId: 'batch-user' })).toMatchObject([{ key: 'r', data: 'kept' }]);
      } finally {
        await store.close();
        await schemas.drop(schema);
      }
    });
  });

  it('rejects, and does not crash the process, when its connection drops while it waits to migrate', async () => {
    const schema = schemas.name();
    const holder = new pg.Client({ connectionString: url });
    const admin = new pg.Client({ connectionString: url });
    const store = createPostgresStore({ connectionString: url, schema });
    try {
      await holder.connect();
      await admin.connect();
      // Another instance migrating: it holds the lock this store's migration waits for.
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`wearhook:migrate:${schema}`]);
      const reading = store.get('thryve', 'k');
      let waiting: { pid: number }[] = [];
      for (let i = 0; i < 100 && waiting.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        ({ rows: waiting } = await admin.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock%' AND pid <> $1",
          [(await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid],
        ));
      }
      expect(waiting.length).toBe(1);
      await admin.query('SELECT pg_terminate_backend($1)', [waiting[0]!.pid]);
      await expect(reading).rejects.toMatchObject({ code: 'store_unavailable' });
      await holder.query('ROLLBACK');
      // The pool recovers: the next call migrates and answers.
      expect(await store.get('thryve', 'k')).toBeUndefined();
    } finally {
      await holder.end();
      await admin.end();
      await store.close();
      await schemas.drop(schema);
    }
  });

  it('does not purge a dead delivery that is requeued while the purge waits for its row', async () => {
    const schema = schemas.name();
    const store = createPostgresStore({ connectionString: url, schema });
    const operator = new pg.Client({ connectionString: url });
    try {
      const old = new Date(Date.now() - 30 * 24 * 3_600_000);
      const delivery = newDelivery({ receivedAt: old });
      await store.putIfAbsent(delivery);
      const [claimed] = await store.claim({ workerId: 'w', leaseMs: 60_000, limit: 1, now: old });
      await store.fail(claimed!.id, 'w', { dead: true }, 'boom');
      // The requeue holds its row lock while the purge's subquery still sees the row as dead.
      await operator.connect();
      await operator.query('BEGIN');
      await operator.query(`UPDATE "${schema}".wearhook_deliveries SET state = 'pending', attempts = 0, finished_at = NULL WHERE id = $1`, [claimed!.id]);
      const purging = store.purge({ limit: 1000 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await operator.query('COMMIT');
      expect(await purging).toMatchObject({ purged: 0 });
      expect(await store.get(delivery.provider, delivery.deliveryKey)).toMatchObject({ state: 'pending' });
    } finally {
      await operator.end();
      await store.close();
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
