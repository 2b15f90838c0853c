// Where the core pipeline's time goes: runs `receiver.handle()` in a loop under `node --cpu-prof` in a
// child process and prints the functions with the most self and inclusive time. Not part of `pnpm bench`.
//   tsx --conditions=wearhook:source bench/profile-pipeline.ts [thryve|terra|vital] [seconds]
// The .cpuprofile is kept in bench/node_modules/.cache/wearhook-bench/profiles (open it in Chrome DevTools).
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { benchPath, CACHE_DIR, runTsForJson } from './lib/child.js';
import { summarizeProfile } from './lib/cpu-profile.js';
import { PROVIDERS } from './lib/core-api.js';
import type { ProviderId } from './lib/fixtures.js';

const requested = process.argv[2] as ProviderId | undefined;
const providers = requested === undefined ? PROVIDERS : [requested];
const seconds = process.argv[3] ?? '4';

for (const provider of providers) {
  const dir = join(CACHE_DIR, 'profiles', provider);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const result = await runTsForJson<{ us: number; count: number }>(benchPath('children', 'handle-loop.ts'), {
    nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    args: [provider, seconds],
  });
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error('no profile written');
  // Only the pipeline: drop module loading and the loop itself.
  const costs = summarizeProfile(join(dir, file)).filter((c) => !/node:internal\/modules|tsx\/dist|\(root\)|\(program\)/.test(c.name));
  console.log(`\n${provider}: ${result.us.toFixed(1)} µs per delivery over ${result.count} deliveries (profiler on); ${join(dir, file)}`);
  console.log('  self%  incl%  function');
  for (const c of [...costs].sort((a, b) => b.self - a.self).slice(0, 20)) {
    console.log(`  ${(c.self * 100).toFixed(1).padStart(5)}  ${(c.inclusive * 100).toFixed(1).padStart(5)}  ${c.name}`);
  }
}
