// Brings a package under packages/ to the layout scripts/build-package.ts builds and test/packaging
// checks: dual exports (import/require, each with its types) plus the `wearhook:source` condition in the
// workspace, the same without it in `publishConfig.exports`, bins under dist/esm, `files`, `repository`,
// the build script, `workspace:^` ranges, tsconfig.build.json, LICENSE. Idempotent.
//
//   npx tsx scripts/packaging/align-package.ts packages/web packages/fastify packages/cli
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { REPO_ROOT } from './pack.js';

type Conditions = Record<string, unknown>;
interface PackageJson {
  name: string;
  exports?: Record<string, string | Conditions>;
  publishConfig?: Record<string, unknown>;
  bin?: Record<string, string>;
  [field: string]: unknown;
}

const FIELD_ORDER = ['name', 'private', 'version', 'description', 'keywords', 'license', 'repository', 'type', 'engines', 'exports', 'publishConfig', 'bin', 'files', 'scripts', 'dependencies', 'peerDependencies', 'peerDependenciesMeta', 'devDependencies'];

const TSCONFIG_BUILD = {
  extends: '../../tsconfig.base.json',
  compilerOptions: { rootDir: 'src', outDir: 'dist/esm', emitDeclarationOnly: true, declarationMap: false, sourceMap: false, customConditions: [] },
  include: ['src'],
};

function builtConditions(source: string): Conditions {
  const name = source.replace(/^\.\/src\//, '').replace(/\.ts$/, '');
  return {
    import: { types: `./dist/esm/${name}.d.ts`, default: `./dist/esm/${name}.js` },
    require: { types: `./dist/cjs/${name}.d.ts`, default: `./dist/cjs/${name}.js` },
  };
}

export function alignPackage(dir: string): void {
  const file = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  const workspaceExports: Record<string, string | Conditions> = {};
  const publishedExports: Record<string, string | Conditions> = {};
  for (const [subpath, value] of Object.entries(pkg.exports ?? {})) {
    if (typeof value === 'string' || subpath === './package.json') continue;
    const source = value['wearhook:source'];
    if (typeof source !== 'string') throw new Error(`${pkg.name}: exports["${subpath}"] has no wearhook:source condition`);
    workspaceExports[subpath] = { 'wearhook:source': source, ...builtConditions(source) };
    publishedExports[subpath] = builtConditions(source);
  }
  workspaceExports['./package.json'] = './package.json';
  publishedExports['./package.json'] = './package.json';
  pkg.exports = workspaceExports;
  pkg.publishConfig = { ...pkg.publishConfig, exports: publishedExports };
  for (const [command, target] of Object.entries(pkg.bin ?? {})) {
    pkg.bin![command] = target.replace(/^\.\/dist\/(?!esm\/)/, './dist/esm/');
  }
  pkg.files = ['dist'];
  pkg.repository = { type: 'git', url: 'git+https://github.com/wearhook/wearhook.git', directory: `packages/${basename(dir)}` };
  pkg.scripts = { ...(pkg.scripts as Record<string, string>), build: 'tsx ../../scripts/build-package.ts' };
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
    const deps = pkg[field] as Record<string, string> | undefined;
    for (const [name, range] of Object.entries(deps ?? {})) if (range === 'workspace:*') deps![name] = 'workspace:^';
  }
  const ordered: Record<string, unknown> = {};
  for (const key of FIELD_ORDER) if (key in pkg) ordered[key] = pkg[key];
  for (const key of Object.keys(pkg)) if (!(key in ordered)) ordered[key] = pkg[key];
  writeFileSync(file, `${JSON.stringify(ordered, null, 2)}\n`);
  writeFileSync(join(dir, 'tsconfig.build.json'), `${JSON.stringify(TSCONFIG_BUILD, null, 2)}\n`);
  copyFileSync(join(REPO_ROOT, 'LICENSE'), join(dir, 'LICENSE'));
}

for (const dir of process.argv.slice(2)) {
  alignPackage(dir);
  console.log(`${dir}: aligned`);
}
