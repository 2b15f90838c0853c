// End to end, as users run it (issue 8): the Express example app started with its own start script
// (`pnpm --dir examples/express-app start`, worker on), each request a new signed Vital delivery of
// about 2.5 KB, 32 connections; deliveries acknowledged (204) per second AND handled per second (the
// app prints one JSON line per handled event), ack latency, event-loop delay inside the app, for no
// store, memory, SQLite and PostgreSQL (two app processes sharing one database), empty and with
// deliveries already retained; against Express with express.json() and a hand-written route doing
// wearhook's no-store work, measured in the same run, between the example subjects (see `run`).
//
// Settings (environment): BENCH_INBOX_SECONDS, BENCH_INBOX_WARMUP_SECONDS, BENCH_INBOX_CONNECTIONS,
// BENCH_INBOX_SUBJECTS (comma-separated ids, see SUBJECTS), BENCH_INBOX_RETAINED (SQLite and
// PostgreSQL), BENCH_INBOX_MEMORY_RETAINED, BENCH_INBOX_MEMORY_FILL_MAX_SECONDS,
// BENCH_INBOX_DRAIN_MAX_SECONDS, BENCH_INBOX_POOL_PER_SECOND, BENCH_INBOX_PG_URL (an
// admin URL of the server to create databases on; unset: the local one, started if need be), BENCH_PNPM (how to run pnpm, e.g. "pnpm"),
// BENCH_INBOX_CPU_PROF=<dir> (profile each app process during the measured load into <dir>/<subject>/
// and print where its time went: issue 8 says to profile a missed target).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, startServerProcess, type DelayWindow, type ServerProcess } from './lib/app-process.js';
import { benchPath, isMain, REPO_DIR, tsNodeArgs } from './lib/child.js';
import { summarizeProfile } from './lib/cpu-profile.js';
import { fixed, percent, times, whole } from './lib/format.js';
import { runAsScript, type GroupOptions } from './lib/group.js';
import { APP_SECRET_ENV, vitalDeliveryPool } from './lib/inbox-deliveries.js';
import { runLoad, type LoadResult } from './lib/inbox-load.js';
import { createBenchDatabase, DEFAULT_PG_ADMIN_URL, prefillPostgres, prefillSqlite, type BenchDatabase, type PrefillResult } from './lib/inbox-stores.js';
import { target, type Section, type TargetResult } from './lib/results.js';
import { mean, ratio } from './lib/stats.js';
import { startServer, type TestServer } from '../packages/store-postgres/test/support/test-server.js';

type StoreMode = 'none' | 'memory' | 'sqlite' | 'postgres';

interface SubjectSpec {
  readonly id: string;
  readonly label: string;
  readonly kind: 'json' | 'handwritten' | 'example';
  readonly store?: StoreMode;
  readonly retained?: boolean;
}

const SUBJECTS: readonly SubjectSpec[] = [
  { id: 'json', label: 'Express + express.json() (baseline)', kind: 'json' },
  { id: 'handwritten', label: 'Express, hand-written route: express.raw + HMAC + JSON.parse + ajv, no store (baseline for no store)', kind: 'handwritten' },
  { id: 'none', label: 'example, no store (`WEARHOOK_DB=none`: handlers run before the 204; no durability, no retry recognised)', kind: 'example', store: 'none' },
  { id: 'memory', label: 'example, `WEARHOOK_DB=memory`', kind: 'example', store: 'memory' },
  { id: 'sqlite', label: 'example, SQLite (default, file in a temp dir)', kind: 'example', store: 'sqlite' },
  { id: 'postgres', label: 'example, PostgreSQL (`DATABASE_URL`), two app processes', kind: 'example', store: 'postgres' },
  { id: 'memory-retained', label: 'example, `WEARHOOK_DB=memory`, with retained deliveries', kind: 'example', store: 'memory', retained: true },
  { id: 'sqlite-retained', label: 'example, SQLite, with retained deliveries', kind: 'example', store: 'sqlite', retained: true },
  { id: 'postgres-retained', label: 'example, PostgreSQL, two app processes, with retained deliveries', kind: 'example', store: 'postgres', retained: true },
];

interface Settings {
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly retained: number;
  readonly memoryRetained: number;
  /** How long filling the memory store through the app may take before the subject runs with what it got. */
  readonly memoryFillMaxSeconds: number;
  readonly drainMaxSeconds: number;
  /** Distinct deliveries prepared per second of load: more than any subject acknowledges. */
  readonly poolPerSecond: number;
  readonly subjects: readonly string[];
  readonly pgAdminUrl: string;
  /** Where to write --cpu-prof profiles of the app processes; undefined: no profiling. */
  readonly cpuProfDir: string | undefined;
}

/** A window's longest GC pause, its kind, and the share of the window spent in GC pauses. */
function gcText(window: DelayWindow | undefined): string {
  if (window === undefined || window.gcMaxMs === null || window.gcMaxMs === undefined) return 'n/a';
  return `${fixed(window.gcMaxMs, 1)} (${window.gcLongestKind}); ${Math.round((100 * window.gcTotalMs) / (window.seconds * 1000))} %`;
}

/**
 * CPU per acknowledged delivery over the load, summed over the app processes: "main / all" µs, the main
 * thread's (the app's JavaScript and the GC pauses on it) and the whole process's (GC helper threads and
 * libuv's pool too). Unlike acks/s, it hardly depends on who else got the cores. The window ends with
 * the load: a backlog handled after it is not counted, so compare it where the drain is ~0 s.
 */
function cpuPerAckText(windows: readonly (DelayWindow | undefined)[], ackRps: number, loadSeconds: number): string {
  const present = windows.filter((w): w is DelayWindow => w !== undefined);
  // A process without its window would leave its CPU out but not its acks.
  if (present.length === 0 || present.length < windows.length || ackRps <= 0) return 'n/a';
  const acks = ackRps * loadSeconds;
  const all = present.reduce((sum, w) => sum + w.cpuSeconds, 0);
  const main = present.every((w) => typeof w.mainThreadCpuSeconds === 'number') ? present.reduce((sum, w) => sum + (w.mainThreadCpuSeconds ?? 0), 0) : undefined;
  return `${main === undefined ? 'n/a' : whole((main * 1e6) / acks)} / ${whole((all * 1e6) / acks)}`;
}

/** The deadline of issue 8's "handled": the backlog drained within this long after the load ends. */
const DRAIN_TARGET_SECONDS = 5;

function envNumber(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${value} is not a non-negative number`);
  return n;
}

function settingsFrom(options: GroupOptions): Settings {
  const quick = options.quick;
  const subjects = process.env.BENCH_INBOX_SUBJECTS?.split(',').map((s) => s.trim()).filter((s) => s !== '') ?? SUBJECTS.map((s) => s.id);
  for (const id of subjects) if (!SUBJECTS.some((s) => s.id === id)) throw new Error(`BENCH_INBOX_SUBJECTS: unknown subject ${id} (known: ${SUBJECTS.map((s) => s.id).join(', ')})`);
  return {
    // The full defaults keep the whole `pnpm bench` (both Node passes) near 10 minutes on a quiet
    // 2-core machine; a longer run: BENCH_INBOX_SECONDS=15 pnpm bench:inbox.
    seconds: envNumber('BENCH_INBOX_SECONDS', quick ? 3 : 6),
    warmupSeconds: envNumber('BENCH_INBOX_WARMUP_SECONDS', quick ? 1 : 2),
    connections: envNumber('BENCH_INBOX_CONNECTIONS', 32),
    retained: envNumber('BENCH_INBOX_RETAINED', quick ? 100_000 : 1_000_000),
    memoryRetained: envNumber('BENCH_INBOX_MEMORY_RETAINED', quick ? 10_000 : 100_000),
    memoryFillMaxSeconds: envNumber('BENCH_INBOX_MEMORY_FILL_MAX_SECONDS', quick ? 20 : 60),
    drainMaxSeconds: envNumber('BENCH_INBOX_DRAIN_MAX_SECONDS', quick ? 10 : 20),
    poolPerSecond: envNumber('BENCH_INBOX_POOL_PER_SECOND', 20_000),
    subjects,
    pgAdminUrl: process.env.BENCH_INBOX_PG_URL ?? DEFAULT_PG_ADMIN_URL,
    cpuProfDir: process.env.BENCH_INBOX_CPU_PROF || undefined,
  };
}

/** How to run pnpm: BENCH_PNPM, else the pnpm running `pnpm bench` (npm_execpath), else npx. */
function pnpmCommand(): string[] {
  if (process.env.BENCH_PNPM) return process.env.BENCH_PNPM.split(' ');
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return /\.c?js$/.test(execPath) ? [process.execPath, execPath] : [execPath];
  const manager = (JSON.parse(readFileSync(join(REPO_DIR, 'package.json'), 'utf8')) as { packageManager?: string }).packageManager ?? 'pnpm';
  return ['npx', '-y', manager];
}

interface Figures {
  readonly spec: SubjectSpec;
  readonly load: LoadResult;
  readonly ackRps: number;
  /** Acknowledged deliveries handled by the time the load ended, per second of load. */
  readonly handledDuringLoadRps: number | undefined;
  /** Seconds after the load until every acknowledged delivery was handled; undefined when some never were (within the wait). */
  readonly drainSeconds: number | undefined;
  /** Acknowledged but not handled DRAIN_TARGET_SECONDS after the load. */
  readonly unhandledAtTarget: number | undefined;
  /** Acknowledged but not handled when the harness stopped waiting. */
  readonly unhandledAtEnd: number | undefined;
  readonly delayUnderLoad: readonly (DelayWindow | undefined)[];
  readonly warmupDrained: boolean;
  readonly nodes: readonly string[];
  readonly note?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until every id in `ids` has a handled line in one of `servers`, at most `maxSeconds`. */
async function waitHandled(servers: readonly ServerProcess[], ids: Iterable<string>, maxSeconds: number): Promise<boolean> {
  const keys = [...ids].map((id) => `vital:${id}`);
  const deadline = performance.now() + maxSeconds * 1000;
  let pending = keys;
  for (;;) {
    for (const server of servers) server.readOutput();
    pending = pending.filter((key) => !servers.some((s) => s.handled.has(key)));
    if (pending.length === 0) return true;
    if (performance.now() > deadline || servers.some((s) => s.hasExited())) return false;
    await sleep(50);
  }
}

/** Warm-up, then the measured load, then the drain; event-loop delay cut around the load. */
async function measure(spec: SubjectSpec, servers: readonly ServerProcess[], path: string, settings: Settings, log: (line: string) => void, counted: boolean): Promise<Figures> {
  const ports = servers.map((s) => s.port);
  let warmupDrained = true;
  // Signing costs the load generator's time too (~15–40 µs a delivery, before the load starts): size
  // the measured pool by the warm-up's rate with room to spare (three times, at least 4,000/s), never
  // above BENCH_INBOX_POOL_PER_SECOND. Twice and 2,000/s were too little on this VM, whose speed drifts
  // between the warm-up and the load: pools ran out, and the memory store's later requests were retries.
  // A pool that still runs out is flagged in the table.
  let perSecond = settings.poolPerSecond;
  if (settings.warmupSeconds > 0) {
    const warm = vitalDeliveryPool(`w${spec.id.replace(/\W/g, '')}${Date.now() % 1e6}`, Math.ceil(settings.poolPerSecond * settings.warmupSeconds));
    const warmLoad = await runLoad({ ports, path, connections: settings.connections, seconds: settings.warmupSeconds, pool: warm });
    warmupDrained = !counted || (await waitHandled(servers, warmLoad.acknowledged, settings.drainMaxSeconds));
    if (!warmLoad.wrapped) perSecond = Math.min(perSecond, Math.max(4_000, (3 * warmLoad.acknowledged.size) / warmLoad.seconds));
  }
  const pool = vitalDeliveryPool(`m${spec.id.replace(/\W/g, '')}${Date.now() % 1e6}`, Math.ceil(perSecond * settings.seconds));
  await Promise.all(servers.map((s) => s.cutDelayWindow()));
  const load = await runLoad({ ports, path, connections: settings.connections, seconds: settings.seconds, pool });
  // Whatever the apps have written by now was handled during the load.
  for (const server of servers) server.readOutput(load.endedAt);
  const delayUnderLoad = await Promise.all(servers.map((s) => s.cutDelayWindow()));
  // Subjects that handle deliveries count distinct ones, as their handled/s does (a pool that ran out
  // is flagged). express.json() handles nothing, so every 204 counts: counting its distinct ids capped
  // it at the pool's size, 12,000 a second then, on Node 24.
  const ackRps = (spec.kind === 'json' ? (load.statuses['204'] ?? 0) : load.acknowledged.size) / load.seconds;
  if (!counted) {
    log(`  ${spec.id}: ${whole(ackRps)} acks/s, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms`);
    return { spec, load, ackRps, handledDuringLoadRps: undefined, drainSeconds: undefined, unhandledAtTarget: undefined, unhandledAtEnd: undefined, delayUnderLoad, warmupDrained, nodes: servers.map((s) => s.node) };
  }
  const keys = [...load.acknowledged].map((id) => `vital:${id}`);
  const handledAt = (key: string): number | undefined => {
    let at: number | undefined;
    for (const s of servers) {
      const t = s.handled.get(key);
      if (t !== undefined && (at === undefined || t < at)) at = t;
    }
    return at;
  };
  const drained = await waitHandled(servers, load.acknowledged, settings.drainMaxSeconds);
  await Promise.all(servers.map((s) => s.cutDelayWindow()));
  let duringLoad = 0;
  let atTarget = 0;
  let last = load.endedAt;
  let unhandled = 0;
  for (const key of keys) {
    const at = handledAt(key);
    if (at === undefined) {
      unhandled++;
      continue;
    }
    if (at <= load.endedAt) duringLoad++;
    if (at <= load.endedAt + DRAIN_TARGET_SECONDS * 1000) atTarget++;
    if (at > last) last = at;
  }
  const drainSeconds = drained ? (last - load.endedAt) / 1000 : undefined;
  const figures: Figures = {
    spec,
    load,
    ackRps,
    handledDuringLoadRps: duringLoad / load.seconds,
    drainSeconds,
    unhandledAtTarget: keys.length - atTarget,
    unhandledAtEnd: unhandled,
    delayUnderLoad,
    warmupDrained,
    nodes: servers.map((s) => s.node),
  };
  log(
    `  ${spec.id}: ${whole(ackRps)} acks/s, ${whole(figures.handledDuringLoadRps ?? NaN)} handled/s during load, drain ${drainSeconds === undefined ? `not done in ${settings.drainMaxSeconds} s (${unhandled} unhandled)` : `${fixed(drainSeconds, 2)} s`}, ` +
      `p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms, non-204 ${nonAcks(load)}, event-loop p99 ${delayUnderLoad.map((w) => fixed(w?.p99Ms ?? NaN, 1)).join(' / ')} ms, longest GC pause ${delayUnderLoad.map(gcText).join(' / ')}, CPU per ack µs (main / all) ${cpuPerAckText(delayUnderLoad, ackRps, load.seconds)}`,
  );
  return figures;
}

function nonAcks(load: LoadResult): number {
  let n = load.errors + load.timeouts;
  for (const [code, count] of Object.entries(load.statuses)) if (code !== '204') n += count;
  return n;
}

function nonAckDetail(load: LoadResult): string {
  const parts = Object.entries(load.statuses)
    .filter(([code]) => code !== '204')
    .map(([code, count]) => `${count} × ${code}`);
  if (load.errors > 0) parts.push(`${load.errors} errors`);
  if (load.timeouts > 0) parts.push(`${load.timeouts} timeouts`);
  return parts.length === 0 ? '0' : parts.join(', ');
}

interface ExampleRun {
  readonly servers: ServerProcess[];
  readonly cleanup: () => Promise<void>;
  readonly prefill?: PrefillResult | { readonly rows: number; readonly seconds: number; readonly bodies: string; readonly defaulted: readonly string[] };
}

/** Starts the example app with its own start script, with the store of `spec` (and its retained state). */
async function startExample(spec: SubjectSpec, settings: Settings, log: (line: string) => void, body: string): Promise<ExampleRun> {
  const store = spec.store ?? 'none';
  const env: Record<string, string | undefined> = {
    ...APP_SECRET_ENV,
    // The same Node for the app as for this group (run-all runs the group under Node 24 for that pass):
    // the start script's `tsx` runs the first `node` on PATH.
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    DATABASE_URL: undefined,
    WEARHOOK_DB: undefined,
  };
  const cleanups: (() => Promise<void>)[] = [];
  let prefill: ExampleRun['prefill'];
  let processes = 1;
  if (store === 'none' || store === 'memory') env.WEARHOOK_DB = store;
  if (store === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'wearhook-bench-sqlite-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    env.WEARHOOK_DB = join(dir, 'wearhook.db');
    if (spec.retained) {
      log(`  ${spec.id}: prefilling ${settings.retained.toLocaleString('en-US')} retained deliveries`);
      prefill = await prefillSqlite(env.WEARHOOK_DB, settings.retained, body);
    }
  }
  if (store === 'postgres') {
    processes = 2;
    const db: BenchDatabase = await createBenchDatabase(settings.pgAdminUrl, spec.id.replace(/\W/g, '_'));
    cleanups.push(() => db.drop());
    env.DATABASE_URL = db.url;
    log(`  ${spec.id}: migrating${spec.retained ? ` and prefilling ${settings.retained.toLocaleString('en-US')} retained deliveries` : ''}`);
    const filled = await prefillPostgres(db.url, spec.retained ? settings.retained : 0, body);
    if (spec.retained) prefill = filled;
  }
  const servers: ServerProcess[] = [];
  const profDir = profileDir(settings, spec.id);
  if (profDir !== undefined) {
    mkdirSync(profDir, { recursive: true });
    env.WEARHOOK_BENCH_CPU_PROF_DIR = profDir;
  }
  const cleanup = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    if (profDir !== undefined) for (const s of servers) printProfile(profDir, s.appPid, spec.id, log);
    for (const c of cleanups.reverse()) await c().catch((error: unknown) => log(`  cleanup failed: ${String(error)}`));
  };
  try {
    for (let i = 0; i < processes; i++) {
      const port = await freePort();
      servers.push(
        await startServerProcess({
          name: `example (${spec.id}${processes > 1 ? ` #${i + 1}` : ''})`,
          command: [...pnpmCommand(), '--dir', 'examples/express-app', 'start'],
          cwd: REPO_DIR,
          env,
          appScript: 'src/server.ts',
          port,
        }),
      );
    }
    if (store === 'memory' && spec.retained && settings.memoryRetained > 0) {
      // The memory store lives inside the app: fill it the way it fills in production, through the
      // app's own endpoint, and let the worker complete every delivery.
      log(`  ${spec.id}: sending ${settings.memoryRetained.toLocaleString('en-US')} deliveries to retain`);
      const started = performance.now();
      const pool = vitalDeliveryPool(`retained${Date.now() % 1e6}`, settings.memoryRetained);
      const servers0 = servers[0] as ServerProcess;
      const fill = await runLoad({ ports: [servers0.port], path: '/webhooks/vital', connections: settings.connections, seconds: 0, amount: settings.memoryRetained, maxSeconds: settings.memoryFillMaxSeconds, pool });
      await waitHandled(servers, fill.acknowledged, settings.drainMaxSeconds);
      const handled = [...fill.acknowledged].filter((id) => servers0.handled.has(`vital:${id}`)).length;
      prefill = {
        rows: handled,
        seconds: (performance.now() - started) / 1000,
        bodies:
          `sent through the app's endpoint and completed by its worker: ${handled.toLocaleString('en-US')} of ${settings.memoryRetained.toLocaleString('en-US')} acknowledged and handled` +
          (handled < settings.memoryRetained ? ` — **SHORT: the fill was cut at ${settings.memoryFillMaxSeconds} s (BENCH_INBOX_MEMORY_FILL_MAX_SECONDS) or deliveries were refused**` : ''),
        defaulted: [],
      };
    }
    return { servers, cleanup, ...(prefill === undefined ? {} : { prefill }) };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The local PostgreSQL server on the port of `DEFAULT_PG_ADMIN_URL`; `undefined` (logged) when it cannot start. */
async function startPostgres(log: (line: string) => void): Promise<TestServer | undefined> {
  try {
    const server = await startServer(Number(new URL(DEFAULT_PG_ADMIN_URL).port));
    log(`  PostgreSQL: ${server.url}`);
    return server;
  } catch (error) {
    log(`  PostgreSQL could not start (its subjects will be "not measured"): ${(error as { stderr?: string }).stderr || String(error)}`);
    return undefined;
  }
}

/** Where a subject's CPU profiles go (`BENCH_INBOX_CPU_PROF`), per Node major; undefined: not profiled. */
function profileDir(settings: Settings, subjectId: string): string | undefined {
  return settings.cpuProfDir === undefined ? undefined : join(settings.cpuProfDir, `${subjectId}-node${process.versions.node.split('.')[0]}`);
}

function baselineProfileEnv(settings: Settings, order: readonly SubjectSpec[]): Record<string, string> {
  const dir = order[0] === undefined ? undefined : profileDir(settings, order[0].id);
  if (dir === undefined) return {};
  mkdirSync(dir, { recursive: true });
  return { WEARHOOK_BENCH_CPU_PROF_DIR: dir };
}

/** The app process's profile of the measured load (see the preload), the top functions by self time. */
function printProfile(dir: string, pid: number, id: string, log: (line: string) => void): void {
  const file = readdirSync(dir).find((name) => name === `${pid}.load.cpuprofile`);
  if (file === undefined) {
    log(`  ${id}: no CPU profile of process ${pid} in ${dir}`);
    return;
  }
  const top = summarizeProfile(join(dir, file))
    .sort((a, b) => b.self - a.self)
    .slice(0, 15);
  log(`  ${id}: CPU profile of the load ${join(dir, file)}, top self time:`);
  for (const f of top) log(`    ${percent(f.self).padStart(7)} self, ${percent(f.inclusive).padStart(7)} incl.  ${f.name}`);
}

export async function run(options: GroupOptions): Promise<Section> {
  const started = performance.now();
  const settings = settingsFrom(options);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const body = vitalDeliveryPool('probe', 1).delivery(0).body.toString('utf8');
  const notes: string[] = [];
  const figures = new Map<string, Figures[]>();
  const add = (f: Figures) => figures.set(f.spec.id, [...(figures.get(f.spec.id) ?? []), f]);
  const prefills = new Map<string, NonNullable<ExampleRun['prefill']>>();
  const selected = SUBJECTS.filter((s) => settings.subjects.includes(s.id));
  const baselines = selected.filter((s) => s.kind !== 'example');
  const examples = selected.filter((s) => s.kind === 'example');
  // The PostgreSQL subjects need a server: unless BENCH_INBOX_PG_URL names one, the local server of
  // scripts/postgres/start.sh, started here when it is not running (and stopped after, if this run
  // started it). Without it a fresh machine measured no PostgreSQL subject at all.
  const pgServer =
    examples.some((s) => s.store === 'postgres') && process.env.BENCH_INBOX_PG_URL === undefined ? await startPostgres(log) : undefined;

  // The baselines' process stays up for the whole run (idle while an example runs), and the baselines
  // are measured between the example subjects: express.json() before the first and after each one, the
  // hand-written route at both ends and next to the no-store subject. Each subject's ratios use the
  // baselines measured right before and right after it. This VM's speed drifts by tens of percent within
  // minutes (express.json() once measured 3,989 and 6,840 req/s at the two ends of one run), so a base
  // measured minutes away said more about the drift than about the subject.
  let baselineServer: ServerProcess | undefined;
  /** brackets[i]: the baselines measured before example subject i (the last: after the last subject). */
  const brackets: Map<string, Figures>[] = [];
  const measureBracket = async (order: readonly SubjectSpec[]) => {
    const bracket = new Map<string, Figures>();
    brackets.push(bracket);
    if (order.length === 0 || baselineServer === undefined) return;
    try {
      for (const spec of order) {
        const f = await measure(spec, [baselineServer], spec.kind === 'json' ? '/json' : '/handwritten', settings, log, spec.kind === 'handwritten');
        add(f);
        bracket.set(spec.id, f);
      }
    } catch (error) {
      notes.push(`**Baselines: a run failed**: ${(error as Error).message.split('\n')[0]}`);
      log(`  baselines FAILED: ${(error as Error).stack ?? String(error)}`);
    }
  };
  /** The baselines to measure after example subject `i` (and so before `i + 1`). */
  const bracketAfter = (i: number): SubjectSpec[] => {
    if (i === examples.length - 1) return [...baselines].reverse();
    const nextToNone = examples[i]?.store === 'none' || examples[i + 1]?.store === 'none';
    return baselines.filter((b) => b.kind === 'json' || nextToNone);
  };
  /** The mean of a baseline's figures in the brackets around example subject `i`. */
  const aroundSubject = (i: number, id: string, pick: (f: Figures) => number): number => {
    const around = [brackets[i]?.get(id), brackets[i + 1]?.get(id)].filter((f): f is Figures => f !== undefined);
    return around.length === 0 ? Number.NaN : mean(around.map(pick));
  };

  try {
    if (baselines.length > 0) {
      try {
        baselineServer = await startServerProcess({
          name: 'baselines',
          command: [process.execPath, ...tsNodeArgs(benchPath('children', 'inbox-baselines.ts'))],
          cwd: REPO_DIR,
          // Profiled like the examples (its first measured subject), so a profile has its baseline beside it.
          env: { ...APP_SECRET_ENV, ...baselineProfileEnv(settings, baselines) },
          appScript: 'inbox-baselines.ts',
          port: await freePort(),
        });
      } catch (error) {
        notes.push(`**Baselines: could not start**: ${(error as Error).message.split('\n')[0]}`);
        log(`  baselines FAILED to start: ${(error as Error).stack ?? String(error)}`);
      }
    }
    await measureBracket(baselines);
    for (const [i, spec] of examples.entries()) {
      const subjectStarted = performance.now();
      log(`  ${spec.id}: starting the example app`);
      let runState: ExampleRun | undefined;
      try {
        runState = await startExample(spec, settings, log, body);
        if (runState.prefill) prefills.set(spec.id, runState.prefill);
        add(await measure(spec, runState.servers, '/webhooks/vital', settings, log, true));
      } catch (error) {
        notes.push(`**${spec.label}: not measured**: ${(error as Error).message.split('\n')[0]}`);
        log(`  ${spec.id} FAILED: ${(error as Error).stack ?? String(error)}`);
      } finally {
        await runState?.cleanup();
        log(`  ${spec.id}: done in ${fixed((performance.now() - subjectStarted) / 1000, 0)} s`);
      }
      await measureBracket(bracketAfter(i));
    }
    if (examples.length === 0 && baselines.length > 0) await measureBracket([...baselines].reverse());
  } finally {
    await baselineServer?.stop();
    await pgServer?.stop();
  }

  const avg = (id: string, pick: (f: Figures) => number) => mean((figures.get(id) ?? []).map(pick));
  /** A subject's base: the baselines around it for an example subject, all of the run's for a baseline. */
  const baseFor = (spec: SubjectSpec, id: string, pick: (f: Figures) => number): number => {
    const i = examples.indexOf(spec);
    return i < 0 ? avg(id, pick) : aroundSubject(i, id, pick);
  };
  const jsonRpsFor = (spec: SubjectSpec) => baseFor(spec, 'json', (f) => f.ackRps);
  const jsonP99For = (spec: SubjectSpec) => baseFor(spec, 'json', (f) => f.load.p99Ms);
  const handRpsFor = (spec: SubjectSpec) => baseFor(spec, 'handwritten', (f) => f.ackRps);

  const rows: string[][] = [];
  for (const spec of selected) {
    const runs = figures.get(spec.id) ?? [];
    if (runs.length === 0) {
      rows.push([spec.label, 'not measured', '', '', '', '', '', '', '', '', '', '', '']);
      continue;
    }
    const ack = mean(runs.map((f) => f.ackRps));
    const handled = runs.every((f) => f.handledDuringLoadRps === undefined) ? undefined : mean(runs.map((f) => f.handledDuringLoadRps ?? NaN));
    const drain = runs.map((f) =>
      f.handledDuringLoadRps === undefined ? '' : f.drainSeconds === undefined ? `not drained in ${settings.drainMaxSeconds} s: ${f.unhandledAtEnd} unhandled` : `${fixed(f.drainSeconds, 2)} s`,
    );
    const shortfall = runs.map((f) => (f.unhandledAtTarget === undefined ? '' : String(f.unhandledAtTarget)));
    const eld = runs.map((f) => f.delayUnderLoad.map((w) => fixed(w?.p99Ms ?? NaN, 1)).join(' / '));
    const cpu = runs.map((f) => f.delayUnderLoad.map((w) => (w === undefined ? 'n/a' : `${Math.round((100 * w.cpuSeconds) / w.seconds)} %`)).join(' / '));
    const gc = runs.map((f) => f.delayUnderLoad.map(gcText).join(' / '));
    const cpuPerAck = runs.map((f) => cpuPerAckText(f.delayUnderLoad, f.ackRps, f.load.seconds));
    const vsJson = spec.kind === 'json' ? '1.00×' : times(ratio(ack, jsonRpsFor(spec)));
    const vsHand = spec.store === 'none' || spec.kind === 'handwritten' ? times(ratio(ack, handRpsFor(spec))) : '';
    const wrapped = spec.kind !== 'json' && runs.some((f) => f.load.wrapped) ? ' (pool wrapped: later requests were retries!)' : '';
    const warm = runs.some((f) => !f.warmupDrained) ? ' (warm-up backlog not drained)' : '';
    rows.push([
      spec.label + (spec.retained ? ` (${(prefills.get(spec.id)?.rows ?? 0).toLocaleString('en-US')})` : ''),
      (runs.length > 2
        ? `${whole(Math.min(...runs.map((f) => f.ackRps)))}–${whole(Math.max(...runs.map((f) => f.ackRps)))} (${runs.length} runs, mean ${whole(ack)})`
        : runs.map((f) => whole(f.ackRps)).join(' / ')) + wrapped,
      handled === undefined ? '—' : whole(handled),
      drain.filter((d) => d !== '').join(' / ') || '—',
      shortfall.filter((d) => d !== '').join(' / ') || '—',
      `${fixed(mean(runs.map((f) => f.load.p50Ms)), 1)} / ${fixed(mean(runs.map((f) => f.load.p99Ms)), 1)}`,
      runs.map((f) => nonAckDetail(f.load)).join(' / '),
      vsJson,
      vsHand,
      eld.join(' / ') + warm,
      gc.join(' / '),
      cpu.join(' / '),
      cpuPerAck.join(' / '),
    ]);
  }

  // Issue 8's targets. A figure counts only when every acknowledged delivery was handled within 5 s.
  const targets: TargetResult[] = [];
  const one = (id: string) => figures.get(id)?.[0];
  const drainedInTime = (f: Figures) => f.unhandledAtTarget === 0 && f.drainSeconds !== undefined && f.drainSeconds <= DRAIN_TARGET_SECONDS && nonAcks(f.load) === 0;
  const handledText = (f: Figures) =>
    f.drainSeconds === undefined ? `NOT all handled (${f.unhandledAtEnd} never within ${settings.drainMaxSeconds} s)` : `drained in ${fixed(f.drainSeconds, 2)} s${f.unhandledAtTarget ? `, ${f.unhandledAtTarget} unhandled at 5 s` : ''}`;
  const ratioTarget = (id: string, name: string, min: number, baseOf: (spec: SubjectSpec) => number, baseName: string, note?: string) => {
    const f = one(id);
    if (f === undefined) return;
    const r = ratio(f.ackRps, baseOf(f.spec));
    targets.push(target(name, `${times(r)} of ${baseName} (${whole(f.ackRps)} acks/s; ${handledText(f)}; ${nonAcks(f.load)} non-204)`, Number.isFinite(r) ? r >= min && drainedInTime(f) : undefined, note));
  };
  ratioTarget('sqlite', 'Inbox: example with SQLite ≥ 0.6× express.json() acks/s, all handled within 5 s', 0.6, jsonRpsFor, 'express.json()');
  ratioTarget('memory', 'Inbox: example with the memory store ≥ 0.9× express.json() acks/s, all handled within 5 s', 0.9, jsonRpsFor, 'express.json()');
  ratioTarget('none', 'Inbox: example with no store ≥ 1.0× the hand-written route', 1.0, handRpsFor, 'the hand-written route');
  const pg = one('postgres');
  if (pg) {
    const r = ratio(pg.ackRps, jsonRpsFor(pg.spec));
    targets.push(target('Inbox: example with PostgreSQL (2 processes): all handled within 5 s, acks ≥ 0.4× express.json()', `${times(r)} (${whole(pg.ackRps)} acks/s); ${handledText(pg)}`, Number.isFinite(r) ? r >= 0.4 && drainedInTime(pg) : undefined));
  }
  for (const [store, full] of [['sqlite', 1_000_000], ['postgres', 1_000_000], ['memory', 100_000]] as const) {
    const empty = one(store);
    const kept = one(`${store}-retained`);
    if (!empty || !kept) continue;
    const rows = prefills.get(`${store}-retained`)?.rows ?? 0;
    // Each against the express.json() measured around it: the two subjects run minutes apart, and the
    // VM's drift in between once turned an even result into 0.62x.
    const keptVsJson = ratio(kept.ackRps, jsonRpsFor(kept.spec));
    const emptyVsJson = ratio(empty.ackRps, jsonRpsFor(empty.spec));
    const r = ratio(keptVsJson, emptyVsJson);
    const short = rows < full ? `only ${rows.toLocaleString('en-US')} retained (the target says ${full.toLocaleString('en-US')}): not the target's condition` : undefined;
    targets.push(
      target(
        `Inbox: ${store} with ${full.toLocaleString('en-US')} retained deliveries ≥ 0.9× the empty store (each to express.json() around it)`,
        `${times(r)} (${times(keptVsJson)} vs ${times(emptyVsJson)} of express.json(); ${whole(kept.ackRps)} vs ${whole(empty.ackRps)} acks/s; ` +
          `CPU per ack, main / all, ${cpuPerAckText(kept.delayUnderLoad, kept.ackRps, kept.load.seconds)} vs ${cpuPerAckText(empty.delayUnderLoad, empty.ackRps, empty.load.seconds)} µs; ${handledText(kept)})`,
        short !== undefined || !Number.isFinite(r) ? undefined : r >= 0.9 && drainedInTime(kept),
        short,
      ),
    );
  }
  for (const spec of examples.filter((s) => s.store !== 'none')) {
    const f = one(spec.id);
    const jsonP99 = jsonP99For(spec);
    if (!f || !Number.isFinite(jsonP99)) continue;
    targets.push(target(`Inbox: ack p99 ≤ express.json() p99 + 20 ms, ${spec.id}`, `${f.load.p99Ms} ms vs ${fixed(jsonP99, 1)} + 20 ms`, f.load.p99Ms <= jsonP99 + 20));
  }
  for (const spec of examples) {
    const f = one(spec.id);
    if (!f) continue;
    const p99s = f.delayUnderLoad.map((w) => w?.p99Ms ?? NaN);
    const worst = Math.max(...p99s);
    targets.push(target(`Inbox: event-loop delay p99 < 20 ms under load, ${spec.id}`, `${p99s.map((p) => fixed(p, 1)).join(' / ')} ms`, Number.isFinite(worst) ? worst < 20 : undefined));
  }
  const sqlite = one('sqlite');
  if (sqlite) {
    const r = ratio(sqlite.ackRps, jsonRpsFor(sqlite.spec));
    targets.push(target('Inbox (stretch): SQLite ≥ 0.75× express.json()', times(r), Number.isFinite(r) ? r >= 0.75 && drainedInTime(sqlite) : undefined, 'stretch'));
  }
  const none = one('none');
  if (none) {
    const r = ratio(none.ackRps, jsonRpsFor(none.spec));
    targets.push(target('Inbox (stretch): no store ≥ 0.95× express.json()', times(r), Number.isFinite(r) ? r >= 0.95 : undefined, 'stretch'));
  }

  for (const [id, p] of prefills) {
    notes.push(`${id}: ${p.rows.toLocaleString('en-US')} retained deliveries in ${fixed(p.seconds, 1)} s; ${p.bodies}${p.defaulted.length > 0 ? `; columns left to their default: ${p.defaulted.join(', ')}` : ''}.`);
  }
  const nodes = new Set([...figures.values()].flat().flatMap((f) => f.nodes));
  if ([...nodes].some((n) => n !== process.version)) notes.push(`**Warning**: a server ran on ${[...nodes].join(', ')}, not ${process.version}.`);
  const jsonRuns = figures.get('json') ?? [];
  if (jsonRuns.length > 1) {
    notes.push(
      `express.json() over the run: ${jsonRuns.map((f) => whole(f.ackRps)).join(', ')} req/s, in order (before the first example subject, then after each). ` +
        'An example subject’s ratios use the two measured right before and after it; the spread is the machine’s drift.',
    );
  }
  notes.push('The lock test of issue 8 (ack p99 while another connection holds the SQLite write lock) is a test in the inbox lane, not part of this benchmark.');

  return {
    id: 'inbox-throughput',
    title: 'Durable inbox end to end: the Express example app as users start it',
    node: process.version,
    intro: [
      `autocannon, ${settings.connections} connections (split evenly over the two app processes for PostgreSQL), ${settings.seconds} s per subject after a ${settings.warmupSeconds} s warm-up whose backlog is left to drain first; ` +
        `each request a new Vital \`daily.data.heartrate.created\` delivery of ${vitalDeliveryPool('size', 1).bodyBytes} bytes (its own svix-id and user), signed with the current time. ` +
        'The example app is started with its own start script (`pnpm --dir examples/express-app start`: tsx, worker on, as shipped), the store chosen by its environment ' +
        '(`WEARHOOK_DB=none|memory|<file>`, `DATABASE_URL` to a fresh database on the local PostgreSQL server, fsync and synchronous_commit at the server defaults). ' +
        `“acks/s” counts 204s (of distinct deliveries, except for express.json(), which handles nothing); “handled/s” counts acknowledged deliveries whose line (one JSON line per handled event, the example's contract) arrived before the load ended; ` +
        `“drain” is how long after the load the last acknowledged delivery was handled (issue 8: within ${DRAIN_TARGET_SECONDS} s), and “unhandled at 5 s” the shortfall then. ` +
        'Event-loop delay is `monitorEventLoopDelay` (1 ms resolution, so it includes that interval) inside the app process during the load, injected with `NODE_OPTIONS=--import` ' +
        '(`children/event-loop-delay-preload.mjs`), the app unchanged; one figure per app process, as are the garbage-collection pauses the same preload observes ' +
        '(the longest, its kind, and all pauses as a share of the load: event-loop delay under load is mostly these) and “server CPU”, the CPU time of that process over the load ' +
        '(100 % = one core busy: a server below it was waiting, on its store, its disk or a starved machine), and “CPU µs per ack”, that CPU time over the acknowledged deliveries, ' +
        'the main thread’s (read from `process.threadCpuUsage()` or /proc/thread-self/stat) and the whole process’s, summed over a subject’s app processes: what a delivery costs the app, ' +
        'which on a machine whose cores the load generator shares says more than acks/s. ' +
        'Baselines run in Express 5 in a process of their own ' +
        '(`children/inbox-baselines.ts`) that stays up, idle, while the examples run: express.json() is measured before the first example subject and after each one, ' +
        'the hand-written route at both ends and next to the no-store subject, and an example subject’s ratios are to the baselines measured right before and right after it.',
    ],
    tables: [
      {
        title: 'acks/s, handled/s, drain, ack latency, event-loop delay; ratios to the same run’s baselines',
        headers: ['Subject', 'acks/s', 'handled/s during load', 'drain after load', 'unhandled at 5 s', 'ack p50 / p99 ms', 'non-204', 'vs express.json()', 'vs hand-written', 'event-loop p99 ms', 'longest GC pause ms (kind); GC share of the load', 'server CPU', 'CPU µs per ack: main thread / all'],
        rows,
        align: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
      },
      {
        title: 'Issue 8’s targets, from the figures above (also in the Targets table at the top)',
        headers: ['Target', 'Measured', 'Result'],
        rows: targets.map((t) => [t.target + (t.note === undefined ? '' : ` (${t.note})`), t.measured, t.status]),
        align: ['left', 'left', 'left'],
      },
    ],
    notes,
    targets,
    seconds: (performance.now() - started) / 1000,
  };
}

if (isMain(import.meta.url)) await runAsScript(run);
