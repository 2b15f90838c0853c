// Publishes the packages: builds, packs with pnpm, checks every tarball (no `workspace:` range, LICENSE
// and README present, publint and attw clean) and only then runs `npm publish` on the tarballs, so what
// is published is exactly what was checked. Refuses to publish anything if one tarball fails.
//
//   npx -y pnpm@10.34.9 publish-packages            # checks, then publishes
//   npx -y pnpm@10.34.9 publish-packages --dry-run  # checks, then `npm publish --dry-run`
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allProblems } from './packaging/check-tarball.js';
import { buildPackages, packPackages } from './packaging/pack.js';

const dryRun = process.argv.includes('--dry-run');
const outDir = mkdtempSync(join(tmpdir(), 'wearhook-publish-'));

buildPackages();
const tarballs = packPackages(outDir);
let failed = false;
for (const [name, tarball] of tarballs) {
  const problems = allProblems(tarball);
  if (problems.length > 0) {
    failed = true;
    console.error(`${name}: not publishable:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  } else {
    console.log(`${name}: ${tarball} passes every check`);
  }
}
if (failed) {
  console.error('Nothing was published.');
  process.exit(1);
}
for (const [name, tarball] of tarballs) {
  execFileSync('npm', ['publish', tarball, '--access', 'public', ...(dryRun ? ['--dry-run'] : [])], { stdio: 'inherit' });
  console.log(`${name}: ${dryRun ? 'dry run done' : 'published'}`);
}
