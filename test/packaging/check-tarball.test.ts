import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requiredFiles, workspaceRanges } from '../../scripts/packaging/check-tarball.js';

// The checks publish-packages relies on to refuse a tarball, on tarballs made to fail them.

const work = mkdtempSync(join(tmpdir(), 'wearhook-check-tarball-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function tarball(name: string, files: Record<string, string>): string {
  const root = join(work, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, 'package', path, '..'), { recursive: true });
    writeFileSync(join(root, 'package', path), content);
  }
  const file = join(work, `${name}.tgz`);
  execFileSync('tar', ['-czf', file, '-C', root, 'package']);
  return file;
}

const manifest = (fields: object): string => JSON.stringify({ name: '@wearhook/x', version: '1.0.0', ...fields });

describe('tarball checks', () => {
  it('finds a workspace: range in any dependency field', () => {
    const file = tarball('ranges', {
      'package.json': manifest({ dependencies: { '@wearhook/core': 'workspace:^', ajv: '^8.0.0' }, peerDependencies: { '@wearhook/koa': 'workspace:*' } }),
    });
    expect(workspaceRanges(file)).toEqual(['dependencies.@wearhook/core is "workspace:^"', 'peerDependencies.@wearhook/koa is "workspace:*"']);
  });

  it('passes resolved ranges', () => {
    const file = tarball('resolved', { 'package.json': manifest({ dependencies: { '@wearhook/core': '^0.1.0' } }) });
    expect(workspaceRanges(file)).toEqual([]);
  });

  it('wants LICENSE and README.md, and no sources or source condition', () => {
    const file = tarball('files', {
      'package.json': manifest({ exports: { '.': { 'wearhook:source': './src/index.ts', default: './dist/index.js' } } }),
      'src/index.ts': 'export {};',
    });
    expect(requiredFiles(file)).toEqual([
      'LICENSE is missing',
      'README.md is missing',
      'src/ is packed (the tarball should hold dist only)',
      'package.json still has the wearhook:source export condition (publishConfig.exports not applied)',
    ]);
  });
});
