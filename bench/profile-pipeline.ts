// Where the core pipeline's time goes: runs `receiver.handle()` in a loop under `node --cpu-prof` in a
// child process and prints the functions with the most self and inclusive time. With --allocations,
// where its garbage comes from instead: bytes allocated per delivery by function, from V8's sampling
// heap profiler with collected objects kept (deterministic, unlike time on a shared machine).
// With --store=none|memory|sqlite|postgres, distinct deliveries 16 at a time with the worker on, timed until every
// handler has run: what persisting and dispatching add per delivery (none: handlers before the 204).
// Not part of `pnpm bench`.
//   tsx --conditions=wearhook:source bench/profile-pipeline.ts [thryve|terra|vital] [seconds] [--allocations] [--store=memory]
// The profiles are kept in bench/node_modules/.cache/wearhook-bench/profiles (open them in Chrome DevTools).
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeAllocations } from './lib/allocation-profile.js';
import { benchPath, CACHE_DIR, runTsForJson } from './lib/child.js';
import { summarizeProfile } from './lib/cpu-profile.js';
import { PROVIDERS } from './lib/core-api.js';
import type { ProviderId } from './lib/fixtures.js';

const allocations = process.argv.includes('--allocations');
const store = process.argv.find((arg) => arg.startsWith('--store='))?.slice('--store='.length);
const storeEnv = store === undefined ? {} : { WEARHOOK_BENCH_STORE: store };
const [requested, seconds = '4'] = process.argv.slice(2).filter((arg) => !arg.startsWith('--')) as [ProviderId | undefined, string | undefined];
const providers = requested === undefined ? PROVIDERS : [requested];

for (const provider of providers) {
  const dir = join(CACHE_DIR, 'profiles', provider);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (allocations) {
    const file = join(dir, 'loop.heapprofile');
    const result = await runTsForJson<{ us: number; count: number }>(benchPath('children', 'handle-loop.ts'), {
      args: [provider, seconds],
      env: { ...process.env, ...storeEnv, WEARHOOK_BENCH_ALLOCATIONS: file },
    });
    const summary = summarizeAllocations(file, result.count);
    console.log(`\n${provider}${store === undefined ? '' : `, store ${store}`}: ${Math.round(summary.bytesPerDelivery)} bytes allocated per delivery over ${result.count} deliveries; ${file}`);
    console.log('  bytes  function');
    for (const f of summary.functions.slice(0, 20)) console.log(`  ${Math.round(f.bytes).toString().padStart(5)}  ${f.name}`);
    continue;
  }
  const result = await runTsForJson<{ us: number; cpuUs: number; count: number }>(benchPath('children', 'handle-loop.ts'), {
    nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    args: [provider, seconds],
    env: { ...process.env, ...storeEnv },
  });
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error('no profile written');
  // Only the pipeline: drop module loading and the loop itself.
  const costs = summarizeProfile(join(dir, file)).filter((c) => !/node:internal\/modules|tsx\/dist|\(root\)|\(program\)/.test(c.name));
  console.log(`\n${provider}${store === undefined ? '' : `, store ${store}`}: ${result.us.toFixed(1)} µs per delivery (main thread's CPU ${result.cpuUs.toFixed(1)} µs) over ${result.count} deliveries (profiler on); ${join(dir, file)}`);
  console.log('  self%  incl%  function');
  for (const c of [...costs].sort((a, b) => b.self - a.self).slice(0, 20)) {
    console.log(`  ${(c.self * 100).toFixed(1).padStart(5)}  ${(c.inclusive * 100).toFixed(1).padStart(5)}  ${c.name}`);
  }
}
