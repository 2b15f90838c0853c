// Child side of profile-pipeline.ts: `receiver.handle()` on one typical delivery, one after another, for
// argv[3] seconds. argv[2]: the provider. Prints µs per delivery. With WEARHOOK_BENCH_ALLOCATIONS set to
// a file, also samples every allocation of the measured loop (garbage included) into it.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { benchReceiver, bufferedRequest } from '../lib/core-api.js';
import { typicalDelivery, type ProviderId } from '../lib/fixtures.js';
import { zstdReady } from '../lib/zstd.js';

await zstdReady();
const provider = (process.argv[2] ?? 'thryve') as ProviderId;
const seconds = Number(process.argv[3] ?? 4);
const bench = benchReceiver(provider);
if (bench === undefined) throw new Error(`no receiver factory for ${provider}`);
const request = bufferedRequest(typicalDelivery(provider));
for (let i = 0; i < 2000; i++) await bench.receiver.handle(request);
const allocationsFile = process.env.WEARHOOK_BENCH_ALLOCATIONS;
const session = allocationsFile === undefined ? undefined : new Session();
if (session !== undefined) {
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
let count = 0;
const start = performance.now();
const end = start + seconds * 1000;
while (performance.now() < end) {
  for (let i = 0; i < 100; i++) await bench.receiver.handle(request);
  count += 100;
}
const us = ((performance.now() - start) * 1000) / count;
if (session !== undefined && allocationsFile !== undefined) {
  const { profile } = await session.post('HeapProfiler.stopSampling');
  writeFileSync(allocationsFile, JSON.stringify(profile));
  session.disconnect();
}
if (bench.counts.invalid + bench.counts.unknown + bench.counts.errors > 0) throw new Error(`not all deliveries were valid: ${JSON.stringify(bench.counts)}`);
process.stdout.write(`${JSON.stringify({ provider, count, us })}\n`);
