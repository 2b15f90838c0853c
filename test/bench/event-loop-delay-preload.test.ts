import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// The inbox benchmark finds the app among the processes of its start script by the start record this
// preload writes (bench/lib/app-process.ts). Worker threads load --import preloads too, with the app's
// pid: esbuild's sync-API worker, started by tsx, once overwrote the app's record, and the bench's
// Node 24 pass failed with "did not listen in time" while the app was serving.
const PRELOAD = pathToFileURL(join(import.meta.dirname, '../../bench/children/event-loop-delay-preload.mjs')).href;

/** The directory of the test that ran last, removed after it. */
let testDir: string | undefined;
afterEach(() => {
  if (testDir !== undefined) rmSync(testDir, { recursive: true, force: true });
});

/**
 * Writes `files` into a fresh directory and runs the first as an app with the preload on; returns that
 * directory, where the preload writes its records, and the app's path.
 */
function runWithPreload(files: Record<string, string>, nodeFlags: readonly string[] = []): { dir: string; app: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wearhook-preload-test-'));
  testDir = dir;
  for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
  const app = join(dir, Object.keys(files)[0]!);
  execFileSync(process.execPath, [...nodeFlags, app], {
    env: { ...process.env, NODE_OPTIONS: `--import=${PRELOAD}`, WEARHOOK_BENCH_ELD_DIR: dir },
    stdio: 'ignore',
    timeout: 20_000,
  });
  return { dir, app };
}

/** The one exit window the app's process wrote. */
function exitWindow<T>(dir: string): T {
  const exits = readdirSync(dir).filter((file) => file.endsWith('.exit.json'));
  expect(exits).toHaveLength(1);
  return JSON.parse(readFileSync(join(dir, exits[0]!), 'utf8')) as T;
}

describe('the benchmark event-loop-delay preload', () => {
  it("records the main thread's argv once per process, not a worker thread's", () => {
    // The worker starts after the main thread's record is written and exits before the app, as
    // esbuild's did: without the guard its record replaces the app's.
    const { dir, app } = runWithPreload({
      'app-main.mjs': `import { Worker } from 'node:worker_threads';\nconst w = new Worker(new URL('./worker-file.mjs', import.meta.url));\nw.on('exit', () => process.exit(0));\n`,
      'worker-file.mjs': 'setTimeout(() => {}, 50);\n',
    });
    const records = readdirSync(dir).filter((file) => file.endsWith('.start.json'));
    expect(records).toHaveLength(1);
    const record = JSON.parse(readFileSync(join(dir, records[0]!), 'utf8')) as { argv: string[] };
    expect(record.argv.at(-1)).toBe(app);
  });

  it('reports the garbage-collection pauses of the window with the event-loop delay', () => {
    // A full collection forced by the app, then a turn for the observer to hear of it before exit.
    const { dir } = runWithPreload({ 'app-gc.mjs': 'globalThis.gc();\nsetTimeout(() => process.exit(0), 100);\n' }, ['--expose-gc']);
    const window = exitWindow<{ gcPauses: number; gcTotalMs: number; gcMaxMs: number | null; gcLongestKind: string | null }>(dir);
    expect(window.gcPauses).toBeGreaterThanOrEqual(1);
    expect(window.gcMaxMs).toBeGreaterThan(0);
    expect(window.gcTotalMs).toBeGreaterThanOrEqual(window.gcMaxMs!);
    expect(['mark-compact', 'scavenge', 'incremental marking', 'weak callbacks']).toContain(window.gcLongestKind);
  });

  it("reports the main thread's CPU time apart from the process's", () => {
    // 300 ms of CPU on the main thread (counted in CPU, not wall time, which a busy machine stretches),
    // then a turn before exit.
    const { dir } = runWithPreload({
      'app-cpu.mjs':
        'const start = process.cpuUsage();\nlet x = 0;\nconst used = () => { const u = process.cpuUsage(start); return (u.user + u.system) / 1000; };\nwhile (used() < 300) for (let i = 0; i < 1e5; i++) x += Math.sqrt(x + 1);\nsetTimeout(() => process.exit(0), 10);\n',
    });
    const window = exitWindow<{ cpuSeconds: number; mainThreadCpuSeconds: number | null }>(dir);
    // Linux gives it (clock ticks of 10 ms before Node 23.9), and a busy main thread is most of the process.
    expect(window.mainThreadCpuSeconds).toBeGreaterThanOrEqual(0.2);
    expect(window.mainThreadCpuSeconds!).toBeLessThanOrEqual(window.cpuSeconds + 0.02);
  });
});
