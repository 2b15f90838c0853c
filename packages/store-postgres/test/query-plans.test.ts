import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { newDelivery } from '@wearhook/core/testing/store-contract';
import { createPostgresStore } from '../src/postgres-store.js';
import { quoteIdentifier } from '../src/sql-names.js';
import { schemaFactory } from './support/schemas.js';
import { acquirePostgres } from './support/test-server.js';

const server = await acquirePostgres(54329);

interface Sent {
  readonly text: string;
  readonly values: unknown[] | undefined;
}

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

describe.skipIf(server === undefined)('PostgreSQL query plans (EXPLAIN)', () => {
  const url = server?.url ?? '';
  const schemas = schemaFactory(url);
  afterAll(async () => {
    await schemas.end();
    await server?.stop();
  });

  /** Runs every store operation once through a pool that records each statement it sends. */
  async function statementsOfEveryOperation(schema: string): Promise<Sent[]> {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    const sent: Sent[] = [];
    const record = (target: { query: (...args: never[]) => unknown }) => {
      const original = target.query.bind(target) as (...args: unknown[]) => unknown;
      (target as { query: unknown }).query = (...args: unknown[]) => {
        const [first, second] = args;
        // A query is text and values, or a config object (named prepared statements are sent that way).
        const config = typeof first === 'object' && first !== null ? (first as { text?: unknown; values?: unknown }) : { text: first, values: second };
        if (typeof config.text === 'string') sent.push({ text: config.text, values: Array.isArray(config.values) ? config.values : undefined });
        return original(...args);
      };
    };
    // pool.query runs on a pooled client too, so recording the clients sees every statement once.
    pool.on('connect', (client) => record(client as never));
    const store = createPostgresStore({ pool, schema });
    try {
      await store.listDead({ limit: 1 }); // migrates; the migration's statements are not hot paths
      sent.length = 0;
      const leased = newDelivery({ lease: { workerId: 'w', leaseMs: 60_000 } });
      await store.putIfAbsent(leased);
      await store.putIfAbsent(newDelivery());
      const [claimed] = await store.claim({ workerId: 'w', leaseMs: 1000, limit: 5, now: new Date('2030-01-01') });
      const id = claimed!.id;
      await store.renew([id], 'w', 1000);
      await store.complete(id, 'w');
      await store.fail(id, 'w', { retryAt: new Date() }, 'x');
      await store.fail(id, 'w', { dead: true }, 'x');
      await store.release(id, 'w');
      await store.requeue([id]);
      await store.listDead({ limit: 5 });
      await store.get('vital', leased.deliveryKey);
      await store.purge({ limit: 10 });
      await store.upsertRecords('vital', [{ kind: 'k', userId: 'u', key: 'a', version: 1, data: 1 }]);
      await store.getRecords({ provider: 'vital', userId: 'u' });
      await store.getRecords({ provider: 'vital', userId: 'u', kind: 'k' });
      // The hot path's batch: a put, a completion and a record upsert in one turn are one statement.
      const next = newDelivery({ lease: { workerId: 'w', leaseMs: 60_000 } });
      const { id: nextId } = (await store.putIfAbsent(next)) as { id: string };
      await Promise.all([
        store.putIfAbsent(newDelivery()),
        store.complete(nextId, 'w'),
        store.upsertRecords('vital', [{ kind: 'k', userId: 'u', key: 'b', version: 1, data: 1 }]),
      ]);
    } finally {
      await store.close();
      await pool.end();
    }
    return sent.filter((s) => !CONTROL.test(s.text));
  }

  async function plans(schema: string, statements: readonly Sent[]): Promise<Array<{ text: string; nodes: PlanNode[] }>> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${quoteIdentifier(schema)}`);
      // Tiny test tables are cheapest to scan; with seq scans priced out, a Seq Scan left in a plan
      // means no index can serve the query.
      await client.query('SET enable_seqscan = off');
      const result = [];
      for (const { text, values } of statements) {
        const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${text}`, values);
        result.push({ text, nodes: nodes(rows[0]!['QUERY PLAN'][0]!.Plan) });
      }
      return result;
    } finally {
      await client.end();
    }
  }

  const seqScans = (found: PlanNode[]) => found.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name']?.startsWith('wearhook_'));

  it('runs every hot statement on an index, never a sequential scan of deliveries or records', async () => {
    const schema = schemas.name();
    try {
      const statements = await statementsOfEveryOperation(schema);
      expect(statements.length).toBeGreaterThanOrEqual(16);
      expect(statements.filter((s) => /^\s*WITH w0 AS/.test(s.text))).toHaveLength(1);
      const explained = await plans(schema, statements);
      const indexesUsed = new Set<string>();
      for (const { text, nodes: found } of explained) {
        expect(seqScans(found), text).toEqual([]);
        for (const n of found) if (n['Index Name'] !== undefined) indexesUsed.add(n['Index Name']);
      }
      for (const index of [
        'wearhook_deliveries_pkey',
        'wearhook_deliveries_provider_delivery_key_key',
        'wearhook_deliveries_due',
        'wearhook_deliveries_dead',
        'wearhook_deliveries_retained',
        'wearhook_deliveries_bodies',
        'wearhook_records_pkey',
      ]) {
        expect(indexesUsed, index).toContain(index);
      }
    } finally {
      await schemas.drop(schema);
    }
  });

  it('would notice a sequential scan: without the due index the claim scans the table', async () => {
    const schema = schemas.name();
    try {
      const statements = await statementsOfEveryOperation(schema);
      await schemas.admin.query(`DROP INDEX ${quoteIdentifier(schema)}.wearhook_deliveries_due`);
      const claim = statements.filter((s) => s.text.includes('FOR UPDATE SKIP LOCKED'));
      expect(claim).toHaveLength(1);
      const [explained] = await plans(schema, claim);
      expect(seqScans(explained!.nodes)).not.toEqual([]);
    } finally {
      await schemas.drop(schema);
    }
  });
});
