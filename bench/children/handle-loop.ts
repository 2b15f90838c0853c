// Child side of profile-pipeline.ts: `receiver.handle()` in a loop for argv[3] seconds. argv[2]: the
// provider. Prints µs per delivery. With WEARHOOK_BENCH_ALLOCATIONS set to a file, also samples every
// allocation of the measured loop (garbage included) into it.
//
// WEARHOOK_BENCH_STORE unset: one typical delivery, one call after another, no store (the pipeline
// alone). Set to none, memory, sqlite or postgres (a fresh database on BENCH_INBOX_PG_URL's server,
// default the local one of scripts/postgres/start.sh): distinct deliveries, 16 per event-loop turn (so
// a group commit holds 16, as under load), the worker on, and the time runs until every delivery's
// handler has run: what persisting and dispatching cost per delivery, against `none` (handlers before
// the acknowledgement). Also the main thread's CPU time per delivery: with a store on disk or a
// server, the loop waits on them, so its time per delivery is mostly their latency.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createPostgresStore } from '@wearhook/store-postgres';
import { benchReceiver, bufferedRequest, closeReceiver, openStore, type StoreHandle } from '../lib/core-api.js';
import { createBenchDatabase, DEFAULT_PG_ADMIN_URL } from '../lib/inbox-stores.js';
import { distinctDeliveries, typicalDelivery, type Delivery, type ProviderId } from '../lib/fixtures.js';
import { threadCpuMicros } from '../lib/thread-cpu.mjs';
import { zstdReady } from '../lib/zstd.js';

await zstdReady();
const provider = (process.argv[2] ?? 'thryve') as ProviderId;
const seconds = Number(process.argv[3] ?? 4);
const storeMode = process.env.WEARHOOK_BENCH_STORE;
if (storeMode !== undefined && !['none', 'memory', 'sqlite', 'postgres'].includes(storeMode)) throw new Error(`WEARHOOK_BENCH_STORE=${storeMode}: none, memory, sqlite or postgres`);
const CONCURRENCY = 16;
const POOL_SIZE = 60_000;

async function openPostgres(): Promise<StoreHandle> {
  const database = await createBenchDatabase(process.env.BENCH_INBOX_PG_URL ?? DEFAULT_PG_ADMIN_URL, 'loop');
  const store = createPostgresStore({ connectionString: database.url });
  return {
    store,
    description: 'PostgreSQL',
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
}

/** The main thread's CPU time in µs (thread-cpu.mjs: ticks of 10 ms on Linux before Node 23.9); NaN where it cannot be read. */
function mainThreadCpuUs(): number {
  return threadCpuMicros() ?? Number.NaN;
}

const storeHandle: StoreHandle | undefined =
  storeMode === 'memory' || storeMode === 'sqlite' ? await openStore(storeMode) : storeMode === 'postgres' ? await openPostgres() : undefined;
const bench = benchReceiver(provider, storeHandle === undefined ? {} : { store: storeHandle.store });
if (bench === undefined) throw new Error(`no receiver factory for ${provider}`);
const { receiver, counts } = bench;

const pool: readonly Delivery[] | undefined = storeMode === undefined ? undefined : distinctDeliveries(provider === 'thryve' ? 'thryve-zstd' : provider, POOL_SIZE);
const typical = bufferedRequest(typicalDelivery(provider));
let next = 0;
/** One step of the loop: one call, or CONCURRENCY calls on distinct deliveries at once. */
async function step(): Promise<number> {
  if (pool === undefined) {
    await receiver.handle(typical);
    return 1;
  }
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < CONCURRENCY; i++) calls.push(receiver.handle(bufferedRequest(pool[next++ % pool.length]!)));
  await Promise.all(calls);
  // One event-loop turn per step, as requests arrive: the worker runs handlers on the next turn.
  await new Promise((resolve) => setImmediate(resolve));
  return CONCURRENCY;
}

/**
 * Resolves once `events` handlers have run (the worker dispatches after the acknowledgement). Polls on
 * a 1 ms timer, not setImmediate: the loop must not spin on the CPU it measures while a store on disk
 * or a server is what it waits for.
 */
async function handled(events: number): Promise<void> {
  while (counts.events + counts.errors < events) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** The measured loop; the store (and a PostgreSQL database) is closed whatever happens. */
async function measure(): Promise<{ count: number; us: number; cpuUs: number }> {
  let warmed = 0;
  while (warmed < 2000) warmed += await step();
  await handled(warmed);
  const eventsBefore = counts.events;
  const allocationsFile = process.env.WEARHOOK_BENCH_ALLOCATIONS;
  const session = allocationsFile === undefined ? undefined : new Session();
  if (session !== undefined) {
    session.connect();
    await session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  }
  let count = 0;
  const cpuStart = mainThreadCpuUs();
  const start = performance.now();
  const end = start + seconds * 1000;
  // With a pool, until its distinct deliveries run out (a later one would be a retry).
  const poolLeft = () => pool === undefined || warmed + count + CONCURRENCY <= POOL_SIZE;
  while (performance.now() < end && poolLeft()) {
    for (let i = 0; i < 100 && poolLeft(); ) {
      const n = await step();
      count += n;
      i += n;
    }
  }
  await handled(eventsBefore + count);
  const us = ((performance.now() - start) * 1000) / count;
  const cpuUs = (mainThreadCpuUs() - cpuStart) / count;
  if (session !== undefined && allocationsFile !== undefined) {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(allocationsFile, JSON.stringify(profile));
    session.disconnect();
  }
  if (counts.invalid + counts.unknown + counts.errors > 0) throw new Error(`not all deliveries were valid: ${JSON.stringify(counts)}`);
  return { count, us, cpuUs };
}

let result: { count: number; us: number; cpuUs: number };
try {
  result = await measure();
} finally {
  await closeReceiver(receiver);
  await storeHandle?.close();
}
const { count, us, cpuUs } = result;
process.stdout.write(`${JSON.stringify({ provider, count, us, cpuUs, store: storeMode ?? 'none (pipeline alone)' })}\n`);
