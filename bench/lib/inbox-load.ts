// Load for the end-to-end inbox benchmark: autocannon against one server or several (connections
// split evenly, one autocannon instance each, results merged), every request the next delivery of a
// pool, and every acknowledged (204) delivery id recorded, so the harness can tell exactly which
// acknowledged deliveries were handled.
import autocannon from 'autocannon';
import type { DeliveryPool } from './inbox-deliveries.js';

export interface LoadResult {
  readonly seconds: number;
  /** Responses by status code. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Ids (svix-id) of the deliveries answered 204. */
  readonly acknowledged: ReadonlySet<string>;
  readonly errors: number;
  readonly timeouts: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** More requests than the pool held: the later ones were retries of earlier deliveries. */
  readonly wrapped: boolean;
  /** `performance.now()` when the load ended. */
  readonly endedAt: number;
}

/** autocannon's merge of results run with `skipAggregateResult` (exported, not in its typings). */
const aggregateResult = (autocannon as unknown as { aggregateResult(results: unknown[], options: autocannon.Options): autocannon.Result }).aggregateResult;

interface Context {
  id?: string;
}

/**
 * `seconds` of load (or exactly `amount` requests) with `connections` connections over `ports`, POST
 * `path`, deliveries from `pool`.
 */
export async function runLoad(options: {
  readonly ports: readonly number[];
  readonly path: string;
  readonly connections: number;
  readonly seconds: number;
  readonly amount?: number;
  /** With `amount`: stop after this long even if not all were sent. */
  readonly maxSeconds?: number;
  readonly pool: DeliveryPool;
}): Promise<LoadResult> {
  const { pool } = options;
  let next = 0;
  let wrapped = false;
  const acknowledged = new Set<string>();
  const first = pool.delivery(0);
  const base = Math.floor(options.connections / options.ports.length);
  const instances = options.ports.map((port, i) => {
    const connections = base + (i < options.connections % options.ports.length ? 1 : 0);
    const opts: autocannon.Options = {
      url: `http://127.0.0.1:${port}${options.path}`,
      method: 'POST',
      connections,
      pipelining: 1,
      ...(options.amount === undefined ? { duration: options.seconds } : { amount: Math.ceil(options.amount / options.ports.length) }),
      headers: first.headers,
      body: first.body,
      skipAggregateResult: true,
      requests: [
        {
          setupRequest: (request, context: Context) => {
            if (next >= pool.size) {
              wrapped = true;
              next = 0;
            }
            const delivery = pool.delivery(next++);
            context.id = delivery.id;
            return { ...request, headers: delivery.headers, body: delivery.body };
          },
          onResponse: (status: number, _body: string, context: Context) => {
            if (status === 204 && context.id !== undefined) acknowledged.add(context.id);
          },
        },
      ],
    } as autocannon.Options;
    // The returned promise is autocannon's tracker, which can be stopped.
    return { opts, result: autocannon(opts) as Promise<autocannon.Result> & { stop(): void } };
  });
  const timer = options.amount !== undefined && options.maxSeconds !== undefined ? setTimeout(() => instances.forEach((i) => i.result.stop()), options.maxSeconds * 1000) : undefined;
  const results = await Promise.all(instances.map((instance) => instance.result));
  clearTimeout(timer);
  const endedAt = performance.now();
  const merged = aggregateResult(results, { ...instances[0]?.opts, connections: options.connections } as autocannon.Options);
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(merged.statusCodeStats ?? {})) statuses[code] = (stat as { count: number }).count;
  return {
    seconds: Math.max(...results.map((r) => r.duration)),
    statuses,
    acknowledged,
    errors: merged.errors,
    timeouts: merged.timeouts,
    p50Ms: merged.latency.p50,
    p99Ms: merged.latency.p99,
    wrapped,
    endedAt,
  };
}
