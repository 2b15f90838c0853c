// Builds the package in the current directory for publishing: an ES module build in dist/esm and a
// CommonJS build in dist/cjs, each with its declarations. Run by each package's `build` script.
//
// Why two builds: Node 20 and Node 22.0–22.11 cannot require() an ES module without a flag, and types
// that say "ES module" for a require() are what attw reports as CJSResolvesToESM. dist/cjs has its own
// package.json with "type": "commonjs", so its .js and .d.ts files are CommonJS to Node and TypeScript
// alike and the declarations can be the same files, unchanged.
//
// Why bundled: each entry point is one file plus chunks shared between entries (so a class such as
// WebhookError exists once per build, and `instanceof` works across subpaths). Loading ~90 small ES
// modules cost Node 20 about 65 ms of a 173 ms cold start. Everything the root entry (`.`) needs is
// one chunk, so `import '@wearhook/core'` loads two files: left to itself the bundler split it into
// eleven along the other entries' lines, and Node 20 paid for each file (with the ASCII output below,
// the import took 42 instead of 52 ms in bench/cold-start.ts's child, on a slow day of this VM).
//
// Entry points come from package.json: every `wearhook:source` file in `exports`, and each `bin`.
//
// Options (for bench/cold-start.ts, which loads exactly this output): `--out-dir=<dir>` builds into
// <dir> instead of ./dist; `--no-declarations` skips the .d.ts files (the slow part, tsc).
//
// A new published package (packages/<name>) follows packages/express:
// - `exports` entries `{ "wearhook:source": "./src/x.ts", "import": { types, default: ./dist/esm/x.js },
//   "require": { types, default: ./dist/cjs/x.js } }`, the same without `wearhook:source` in
//   `publishConfig.exports`, and `"./package.json": "./package.json"`;
// - `bin` paths as `./dist/esm/<file>.js` for `src/<file>.ts`;
// - `"files": ["dist"]`, `repository` with `directory`, `"build": "tsx ../../scripts/build-package.ts"`,
//   its tsconfig.build.json as in packages/express, a README.md and a copy of LICENSE;
// - other workspace packages as `workspace:^` dependencies; frameworks as peer dependencies.
// test/packaging checks every package under packages/ that is not private.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { build, type InputOptions, type OutputOptions } from 'rolldown';

interface PackageJson {
  readonly name: string;
  readonly exports?: Record<string, string | Record<string, unknown>>;
  readonly bin?: Record<string, string>;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

const ROOT = process.cwd();
const outDirOption = process.argv.find((arg) => arg.startsWith('--out-dir='));
const DIST = outDirOption === undefined ? join(ROOT, 'dist') : resolve(outDirOption.slice('--out-dir='.length));
const withDeclarations = !process.argv.includes('--no-declarations');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

/** `./src/stores/index.ts` -> `stores/index`: an entry's name is its source path, so dist mirrors src. */
function entryName(sourcePath: string): string {
  const match = /^\.\/src\/(.+)\.ts$/.exec(sourcePath);
  if (!match?.[1]) throw new Error(`${pkg.name}: entry ${sourcePath} must be a .ts file under ./src`);
  return match[1];
}

/** The `exports` entry points, built in both formats. */
function exportEntries(): Record<string, string> {
  const input: Record<string, string> = {};
  for (const [subpath, conditions] of Object.entries(pkg.exports ?? {})) {
    if (typeof conditions === 'string') continue; // e.g. "./package.json"
    const source = conditions['wearhook:source'];
    if (typeof source !== 'string') throw new Error(`${pkg.name}: exports["${subpath}"] has no wearhook:source condition`);
    input[entryName(source)] = join(ROOT, source);
  }
  return input;
}

/** Commands (`bin`): ES modules only, as a command is run, never required. */
function binEntries(): Record<string, string> {
  const input: Record<string, string> = {};
  for (const target of Object.values(pkg.bin ?? {})) {
    const match = /^\.\/dist\/esm\/(.+)\.js$/.exec(target);
    if (!match?.[1]) throw new Error(`${pkg.name}: bin ${target} must point into ./dist/esm`);
    input[match[1]] = join(ROOT, 'src', `${match[1]}.ts`);
  }
  return input;
}

// Dependencies stay imports (installed beside the package, deduplicated by npm); only this package's
// own code is bundled.
const dependencyNames = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies });
const builtins = new Set(builtinModules);
function isExternal(id: string): boolean {
  if (id.startsWith('node:') || builtins.has(id)) return true;
  return dependencyNames.some((name) => id === name || id.startsWith(`${name}/`));
}

/** The root entry (`.`), the one every adapter and most users import; `undefined` when there is none. */
function rootEntry(): string | undefined {
  const conditions = pkg.exports?.['.'];
  const source = typeof conditions === 'object' ? conditions['wearhook:source'] : undefined;
  return typeof source === 'string' ? join(ROOT, source) : undefined;
}

/** Every module the root entry loads, found by bundling it alone (nothing is written). */
async function rootModules(input: InputOptions, root: string): Promise<ReadonlySet<string>> {
  const { output } = await build({ ...input, input: { index: root }, output: { format: 'esm' }, write: false });
  return new Set(output.flatMap((file) => (file.type === 'chunk' ? file.moduleIds : [])));
}

async function bundle(format: 'esm' | 'cjs'): Promise<void> {
  const input: InputOptions = {
    input: format === 'esm' ? { ...exportEntries(), ...binEntries() } : exportEntries(),
    platform: 'node',
    external: isExternal,
    tsconfig: join(ROOT, 'tsconfig.build.json'),
    transform: {
      target: 'node20.19',
      // CommonJS has no import.meta; the few uses (createRequire) get the module's file URL.
      define: format === 'cjs' ? { 'import.meta.url': 'require("node:url").pathToFileURL(__filename).href' } : {},
    },
    // A warning is a build problem (e.g. an unresolved import or a missing export): fail on it.
    onLog(level, log) {
      if (level === 'warn') throw new Error(`${pkg.name} (${format}): ${log.message}`);
    },
  };
  const root = rootEntry();
  const rootNeeds = root === undefined ? undefined : await rootModules(input, root);
  const output: OutputOptions = {
    dir: join(DIST, format),
    format,
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    ...(format === 'cjs' ? { exports: 'named' as const } : {}),
    // ASCII only: one character above U+00FF (a dash or an ellipsis in a comment or message) makes V8
    // hold the whole file as two-byte text, twice the memory for the garbage collector to scavenge
    // at start-up. The documentation comments are in the .d.ts files, where editors read them.
    charset: 'ascii',
    comments: { legal: true, annotation: true, jsdoc: false },
    ...(rootNeeds === undefined ? {} : { codeSplitting: { groups: [{ name: 'core', test: (id: string) => rootNeeds.has(id) && id !== root }] } }),
  };
  await build({ ...input, output, write: true });
}

function declarationFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return declarationFiles(path);
    return name.endsWith('.d.ts') ? [path] : [];
  });
}

rmSync(DIST, { recursive: true, force: true });
await bundle('esm');
await bundle('cjs');
writeFileSync(join(DIST, 'cjs', 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);

// Declarations: one .d.ts per source file, checked by tsc (a type error fails the build).
if (withDeclarations) {
  const tsc = join(import.meta.dirname, '..', 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', join(DIST, 'esm')], { cwd: ROOT, stdio: 'inherit' });
  for (const file of declarationFiles(join(DIST, 'esm'))) {
    cpSync(file, join(DIST, 'cjs', relative(join(DIST, 'esm'), file)));
  }
}
for (const name of Object.keys(exportEntries())) {
  for (const format of ['esm', 'cjs']) {
    for (const extension of withDeclarations ? ['.js', '.d.ts'] : ['.js']) {
      const file = join(DIST, format, `${name}${extension}`);
      if (!existsSync(file)) throw new Error(`${pkg.name}: the build did not produce ${relative(ROOT, file)}`);
    }
  }
}
console.log(`${pkg.name}: built ${Object.keys(exportEntries()).length} entry points into ${relative(ROOT, DIST)}/esm and ${relative(ROOT, DIST)}/cjs`);
