// Builds the published packages and packs them with pnpm, as `pnpm publish` would: pnpm replaces
// `workspace:^` ranges with the versions and applies `publishConfig` (the tarballs' exports have no
// `wearhook:source` condition).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface PublishedPackage {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
}

/** The workspace packages under packages/ that are published (not `private`). */
export function publishedPackages(): PublishedPackage[] {
  const packagesDir = join(REPO_ROOT, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const dir = join(packagesDir, entry.name);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; private?: boolean };
      return { name: pkg.name, version: pkg.version, dir, private: pkg.private === true };
    })
    .filter((pkg) => !pkg.private)
    .map(({ name, version, dir }) => ({ name, version, dir }))
    // @wearhook/core first: the others depend on it, so it must be published before them.
    .sort((a, b) => Number(b.name === '@wearhook/core') - Number(a.name === '@wearhook/core'));
}

/** `pnpm@x.y.z` from the root package.json, so packing uses the pnpm the repository is pinned to. */
function pinnedPnpm(): string {
  const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { packageManager: string };
  return root.packageManager;
}

/**
 * Runs pnpm: the one running this process when there is one (`pnpm test`), else the pinned version
 * through npx. npx run inside `npx -p ...` (as CI runs Node 24) inherits npm_config_package and would
 * look for the wrong command, so the child gets an environment without it.
 */
function pnpm(args: string[], cwd: string): string {
  const options = { cwd, encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };
  const running = process.env.npm_execpath;
  if (running !== undefined && /pnpm/.test(basename(running))) return execFileSync(process.execPath, [running, ...args], options);
  const env = { ...process.env };
  delete env.npm_config_package;
  delete env.npm_command;
  return execFileSync('npx', ['-y', '-p', pinnedPnpm(), '--', 'pnpm', ...args], { ...options, env });
}

/** Builds every published package (dependencies first). */
export function buildPackages(): void {
  pnpm(['-r', '--filter', './packages/*', 'build'], REPO_ROOT);
}

/** Packs each published package into `outDir`; returns the tarball paths by package name. */
export function packPackages(outDir: string): Map<string, string> {
  mkdirSync(outDir, { recursive: true });
  const tarballs = new Map<string, string>();
  for (const pkg of publishedPackages()) {
    pnpm(['pack', '--pack-destination', outDir], pkg.dir);
    const file = `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`;
    tarballs.set(pkg.name, join(outDir, file));
  }
  return tarballs;
}
