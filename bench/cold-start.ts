// Cold start: a fresh `node` process imports @wearhook/core as published (the ES module build of
// scripts/build-package.ts, rolldown: each entry point one file plus the chunks it imports) and
// constructs the Thryve, Terra and Vital receivers; then each receiver handles its first delivery
// (which builds that type's conformance validator from its schema), a second one, and one of a type
// the receivers' warm-up does not cover. The same again with require() of the CommonJS build, and with
// the first delivery 100 ms after construction, as a server meets it (it listens first; the warm-up
// runs in the first idle moment). Times are milliseconds since the process started
// (performance.timeOrigin), medians over several spawns.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { benchPath, CACHE_DIR, isMain, REPO_DIR, tsNodeArgs } from './lib/child.js';
import { PROVIDERS } from './lib/core-api.js';
import { FIXED_NOW_MS, SECRETS, terraDelivery, thryveDelivery, typicalDelivery, vitalDelivery, type Delivery } from './lib/fixtures.js';
import { terraSamples, vitalSamples } from './lib/core-internals.js';
import { thryveSamples } from '@wearhook/core/testing';
import { millis } from './lib/format.js';
import { runAsScript, type GroupOptions } from './lib/group.js';
import { target, type Section } from './lib/results.js';
import { median } from './lib/stats.js';
import { zstdReady } from './lib/zstd.js';

/**
 * How long after construction the "as a server meets it" spawns send the first delivery. A server
 * receives nothing before it listens; 100 ms stands for that and for the time a provider's first
 * request takes to arrive, and is far more than the warm-up needs (see the receivers' `warm-up.ts`).
 */
const SERVER_IDLE_MS = 100;

interface ChildOutcome {
  readonly bootMs: number;
  readonly importMs: number;
  readonly constructMs: number;
  readonly readyMs: number;
  readonly providers: string[];
  readonly firstDelivery: Record<string, { ms: number; status: number }>;
  readonly secondDelivery: Record<string, { ms: number; status: number }>;
  readonly otherType: Record<string, { ms: number; status: number }>;
  readonly idleLoop: { readonly busyMs: number; readonly longestBlockMs: number };
  readonly doneMs: number;
}

/**
 * Builds @wearhook/core with the publishing build itself (scripts/build-package.ts, without the
 * declarations) into bench/node_modules/.cache/wearhook-bench/cold-start/core/dist, beside a
 * package.json, as an installed package is laid out.
 */
async function compile(): Promise<{ esm: string; cjs: string; child: string }> {
  const out = join(CACHE_DIR, 'cold-start');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'core'), { recursive: true });
  execFileSync(process.execPath, [...tsNodeArgs(join(REPO_DIR, 'scripts', 'build-package.ts')), `--out-dir=${join(out, 'core', 'dist')}`, '--no-declarations'], {
    cwd: join(REPO_DIR, 'packages', 'core'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await build({ entryPoints: [benchPath('children', 'cold-start-child.ts')], outfile: join(out, 'child.mjs'), format: 'esm', platform: 'node', target: 'node20', bundle: false, logLevel: 'error' });
  // An installed package has a package.json saying it is ESM; without one Node guesses the module
  // syntax of every file (12–30 ms that no user pays). dist/cjs has its own, from the build.
  writeFileSync(join(out, 'core', 'package.json'), JSON.stringify({ type: 'module' }));
  // Core's dependencies (raw-body) resolve from its own node_modules, as in an installed package.
  const modules = join(out, 'node_modules');
  if (!existsSync(modules)) symlinkSync(relative(out, join(REPO_DIR, 'packages', 'core', 'node_modules')), modules, 'dir');
  return { esm: join(out, 'core', 'dist', 'esm', 'index.js'), cjs: join(out, 'core', 'dist', 'cjs', 'index.js'), child: join(out, 'child.mjs') };
}

export async function run(options: GroupOptions): Promise<Section> {
  const started = performance.now();
  await zstdReady();
  const { esm, cjs, child } = await compile();
  const inputFile = join(CACHE_DIR, 'cold-start', 'input.json');
  const deliveries = Object.fromEntries(
    PROVIDERS.map((provider) => {
      const d = typicalDelivery(provider);
      return [provider, { body: d.body.toString('base64'), headers: d.headers }];
    }),
  );
  const json = (payload: unknown) => Buffer.from(JSON.stringify(payload));
  const wire = (d: Delivery) => ({ body: d.body.toString('base64'), headers: d.headers });
  // Types the warm-up does not cover (see each provider's warm-up.ts), so their checks are built on
  // their first delivery.
  const otherTypes = { thryve: 'notification.source.connect', terra: 'sleep', vital: 'daily.data.workouts.created' } as const;
  const otherDeliveries = {
    thryve: wire(thryveDelivery(json(thryveSamples[otherTypes.thryve]()), { compress: true })),
    terra: wire(terraDelivery(json(terraSamples[otherTypes.terra]()))),
    vital: wire(vitalDelivery(json(vitalSamples[otherTypes.vital]()), { id: 'msg_cold_start_other_type' })),
  };
  writeFileSync(inputFile, JSON.stringify({ nowMs: FIXED_NOW_MS, secrets: SECRETS, deliveries, otherDeliveries }));

  const spawns = options.quick ? 3 : 9;
  const outcomes: ChildOutcome[] = [];
  const required: ChildOutcome[] = [];
  const served: ChildOutcome[] = [];
  const bare: number[] = [];
  const spawn = (how: 'import' | 'require', entry: string, idleMs = 0): ChildOutcome => {
    const text = execFileSync(process.execPath, [child, how, pathToFileURL(entry).href, inputFile, String(idleMs)], { encoding: 'utf8', cwd: CACHE_DIR });
    return JSON.parse(text.trim().split('\n').pop() ?? '{}') as ChildOutcome;
  };
  for (let i = 0; i < spawns; i++) {
    outcomes.push(spawn('import', esm));
    required.push(spawn('require', cjs));
    served.push(spawn('import', esm, SERVER_IDLE_MS));
    bare.push(Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(performance.now()))'], { encoding: 'utf8' })));
  }
  const first = outcomes[0];
  const providers = first?.providers ?? [];
  const ready = median(outcomes.map((o) => o.readyMs));
  const rows: string[][] = [
    ['Node itself: `node -e` reaches user code', millis(median(bare)), ''],
    ['Process start → the child script runs', millis(median(outcomes.map((o) => o.bootMs))), ''],
    ['`import(\'@wearhook/core\')`', millis(median(outcomes.map((o) => o.importMs))), 'duration'],
    [`construct ${providers.length} receivers (${providers.join(', ')})`, millis(median(outcomes.map((o) => o.constructMs))), 'duration'],
    ['**Process start → all receivers constructed**', `**${millis(ready)}**`, 'since process start'],
  ];
  const firstMs: Record<string, number> = {};
  for (const provider of providers) {
    const statuses = new Set(outcomes.map((o) => o.firstDelivery[provider]?.status));
    firstMs[provider] = median(outcomes.map((o) => o.firstDelivery[provider]?.ms ?? Number.NaN));
    rows.push([`first ${provider} delivery (builds its type's conformance validator)`, millis(firstMs[provider]), `duration; status ${[...statuses].join('/')}`]);
  }
  for (const provider of providers) {
    const statuses = new Set(outcomes.map((o) => o.secondDelivery[provider]?.status));
    rows.push([`second ${provider} delivery (same type)`, millis(median(outcomes.map((o) => o.secondDelivery[provider]?.ms ?? Number.NaN))), `duration; status ${[...statuses].join('/')}`]);
  }
  rows.push(['Process start → first delivery of each provider handled', millis(median(outcomes.map((o) => o.doneMs))), 'since process start']);
  rows.push([
    `event loop busy in the ${SERVER_IDLE_MS} ms after construction (the warm-up of all providers runs then)`,
    millis(median(served.map((o) => o.idleLoop.busyMs))),
    'duration',
  ]);
  rows.push([
    `its longest busy stretch (a 1 ms timer's longest wait: one warm-up delivery)`,
    millis(median(served.map((o) => o.idleLoop.longestBlockMs))),
    'duration',
  ]);
  const servedMs: Record<string, number> = {};
  for (const provider of providers) {
    const statuses = new Set(served.map((o) => o.firstDelivery[provider]?.status));
    servedMs[provider] = median(served.map((o) => o.firstDelivery[provider]?.ms ?? Number.NaN));
    rows.push([`first ${provider} delivery, ${SERVER_IDLE_MS} ms after construction (as a listening server meets it)`, millis(servedMs[provider]), `duration; status ${[...statuses].join('/')}`]);
  }
  for (const provider of providers) {
    const statuses = new Set(served.map((o) => o.otherType[provider]?.status));
    const type = otherTypes[provider as keyof typeof otherTypes];
    rows.push([`then the first \`${type}\` (a type the warm-up does not cover)`, millis(median(served.map((o) => o.otherType[provider]?.ms ?? Number.NaN))), `duration; status ${[...statuses].join('/')}`]);
  }
  const requiredReady = median(required.map((o) => o.readyMs));
  rows.push(['CommonJS build: `require(\'@wearhook/core\')`', millis(median(required.map((o) => o.importMs))), 'duration']);
  rows.push(['CommonJS build: process start → all receivers constructed', millis(requiredReady), 'since process start']);
  for (const provider of providers) {
    const statuses = new Set(required.map((o) => o.firstDelivery[provider]?.status));
    rows.push([`CommonJS build: first ${provider} delivery`, millis(median(required.map((o) => o.firstDelivery[provider]?.ms ?? Number.NaN))), `duration; status ${[...statuses].join('/')}`]);
  }
  const slowestFirst = Math.max(...Object.values(firstMs));
  const slowestServed = Math.max(...Object.values(servedMs));
  const missing = PROVIDERS.filter((p) => !providers.includes(p));
  return {
    id: 'cold-start',
    title: 'Cold start',
    node: process.version,
    intro: [
      `@wearhook/core as published: built by scripts/build-package.ts (rolldown; each entry point one file plus the chunks it imports), its root entry imported (or, in the CommonJS rows, required) by a bare \`node\` process, ` +
        `median of ${spawns} spawns. Times from \`performance.now()\`, i.e. since the process started (\`performance.timeOrigin\`), except the rows marked “duration”.`,
    ],
    tables: [{ title: 'Milliseconds, median of spawns', headers: ['Step', 'ms', ''], rows, align: ['left', 'right', 'left'] }],
    notes: missing.length > 0 ? [`Not exported yet, so not constructed: ${missing.join(', ')}.`] : [],
    targets: [
      target('Cold start < 150 ms for all three providers (process start → receivers constructed)', `${millis(ready)} ms`, missing.length > 0 ? undefined : ready < 150),
      target('First delivery of each provider < 5 ms, in the turn the receivers were built', `${millis(slowestFirst)} ms (slowest)`, missing.length > 0 ? undefined : slowestFirst < 5),
      target(
        `First delivery of each provider < 5 ms, ${SERVER_IDLE_MS} ms after the receivers were built`,
        `${millis(slowestServed)} ms (slowest)`,
        missing.length > 0 ? undefined : slowestServed < 5,
      ),
    ],
    seconds: (performance.now() - started) / 1000,
  };
}

if (isMain(import.meta.url)) await runAsScript(run);
