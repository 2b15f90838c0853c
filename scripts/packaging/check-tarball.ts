// What must hold for a packed tarball before it may be published. Each check returns problems as
// sentences; an empty list means it passes.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './pack.js';

const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'] as const;

function tarEntry(tarball: string, path: string): string | undefined {
  try {
    return execFileSync('tar', ['-xzOf', tarball, `package/${path}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

export function tarballFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.replace(/^package\//, ''));
}

/** `workspace:` ranges resolve only inside this repository: a tarball with one cannot be installed. */
export function workspaceRanges(tarball: string): string[] {
  const pkg = JSON.parse(tarEntry(tarball, 'package.json') ?? '{}') as Record<string, Record<string, string> | undefined>;
  const problems: string[] = [];
  for (const field of DEPENDENCY_FIELDS) {
    for (const [name, range] of Object.entries(pkg[field] ?? {})) {
      if (range.startsWith('workspace:')) problems.push(`${field}.${name} is "${range}"`);
    }
  }
  return problems;
}

/** LICENSE and README.md are in the tarball; the source condition and sources are not. */
export function requiredFiles(tarball: string): string[] {
  const files = tarballFiles(tarball);
  const problems: string[] = [];
  for (const required of ['LICENSE', 'README.md', 'package.json']) {
    if (!files.includes(required)) problems.push(`${required} is missing`);
  }
  if (files.some((file) => file.startsWith('src/'))) problems.push('src/ is packed (the tarball should hold dist only)');
  if ((tarEntry(tarball, 'package.json') ?? '').includes('wearhook:source')) {
    problems.push('package.json still has the wearhook:source export condition (publishConfig.exports not applied)');
  }
  return problems;
}

function bin(name: string): string {
  return join(REPO_ROOT, 'node_modules', '.bin', name);
}

/** publint, warnings counted as errors. */
export function publintProblems(tarball: string): string[] {
  const result = spawnSync(bin('publint'), ['run', tarball, '--strict'], { encoding: 'utf8' });
  return result.status === 0 ? [] : [`publint: ${result.stdout}${result.stderr}`.trim()];
}

/**
 * Are the Types Wrong, with the node16 profile: every problem counts (CJSResolvesToESM, FalseCJS,
 * FalseESM, missing types ...) except resolution under TypeScript's legacy `node10` mode, which reads no
 * `exports` map and so cannot resolve subpaths at all.
 */
export function attwProblems(tarball: string): string[] {
  const result = spawnSync(bin('attw'), [tarball, '--profile', 'node16', '--format', 'ascii', '--no-color', '--no-emoji'], { encoding: 'utf8' });
  return result.status === 0 ? [] : [`attw: ${result.stdout}${result.stderr}`.trim()];
}

/** Every check, for the publish script. */
export function allProblems(tarball: string): string[] {
  return [...workspaceRanges(tarball), ...requiredFiles(tarball), ...publintProblems(tarball), ...attwProblems(tarball)];
}
