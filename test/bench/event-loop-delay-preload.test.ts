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

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('the benchmark event-loop-delay preload', () => {
  it("records the main thread's argv once per process, not a worker thread's", () => {
    dir = mkdtempSync(join(tmpdir(), 'wearhook-preload-test-'));
    const app = join(dir, 'app-main.mjs');
    const worker = join(dir, 'worker-file.mjs');
    writeFileSync(worker, 'setTimeout(() => {}, 50);\n');
    // The worker starts after the main thread's record is written and exits before the app, as
    // esbuild's did: without the guard its record replaces the app's.
    writeFileSync(app, `import { Worker } from 'node:worker_threads';\nconst w = new Worker(${JSON.stringify(worker)});\nw.on('exit', () => process.exit(0));\n`);
    execFileSync(process.execPath, [app], {
      env: { ...process.env, NODE_OPTIONS: `--import=${PRELOAD}`, WEARHOOK_BENCH_ELD_DIR: dir },
      stdio: 'ignore',
      timeout: 20_000,
    });
    const records = readdirSync(dir).filter((file) => file.endsWith('.start.json'));
    expect(records).toHaveLength(1);
    const record = JSON.parse(readFileSync(join(dir, records[0]!), 'utf8')) as { argv: string[] };
    expect(record.argv.at(-1)).toBe(app);
  });

  it('reports the garbage-collection pauses of the window with the event-loop delay', () => {
    dir = mkdtempSync(join(tmpdir(), 'wearhook-preload-test-'));
    const app = join(dir, 'app-gc.mjs');
    // A full collection forced by the app, then a turn for the observer to hear of it before exit.
    writeFileSync(app, 'globalThis.gc();\nsetTimeout(() => process.exit(0), 100);\n');
    execFileSync(process.execPath, ['--expose-gc', app], {
      env: { ...process.env, NODE_OPTIONS: `--import=${PRELOAD}`, WEARHOOK_BENCH_ELD_DIR: dir },
      stdio: 'ignore',
      timeout: 20_000,
    });
    const exits = readdirSync(dir).filter((file) => file.endsWith('.exit.json'));
    expect(exits).toHaveLength(1);
    const window = JSON.parse(readFileSync(join(dir, exits[0]!), 'utf8')) as { gcPauses: number; gcTotalMs: number; gcMaxMs: number | null; gcLongestKind: string | null };
    expect(window.gcPauses).toBeGreaterThanOrEqual(1);
    expect(window.gcMaxMs).toBeGreaterThan(0);
    expect(window.gcTotalMs).toBeGreaterThanOrEqual(window.gcMaxMs!);
    expect(['mark-compact', 'scavenge', 'incremental marking', 'weak callbacks']).toContain(window.gcLongestKind);
  });

  it("reports the main thread's CPU time apart from the process's", () => {
    dir = mkdtempSync(join(tmpdir(), 'wearhook-preload-test-'));
    const app = join(dir, 'app-cpu.mjs');
    // 300 ms of CPU on the main thread (counted in CPU, not wall time, which a busy machine stretches),
    // then a turn before exit.
    writeFileSync(
      app,
      'const start = process.cpuUsage();\nlet x = 0;\nconst used = () => { const u = process.cpuUsage(start); return (u.user + u.system) / 1000; };\nwhile (used() < 300) for (let i = 0; i < 1e5; i++) x += Math.sqrt(x + 1);\nsetTimeout(() => process.exit(0), 10);\n',
    );
    execFileSync(process.execPath, [app], {
      env: { ...process.env, NODE_OPTIONS: `--import=${PRELOAD}`, WEARHOOK_BENCH_ELD_DIR: dir },
      stdio: 'ignore',
      timeout: 20_000,
    });
    const exits = readdirSync(dir).filter((file) => file.endsWith('.exit.json'));
    expect(exits).toHaveLength(1);
    const window = JSON.parse(readFileSync(join(dir, exits[0]!), 'utf8')) as { cpuSeconds: number; mainThreadCpuSeconds: number | null };
    // Linux gives it (clock ticks of 10 ms before Node 23.9), and a busy main thread is most of the process.
    expect(window.mainThreadCpuSeconds).toBeGreaterThanOrEqual(0.2);
    expect(window.mainThreadCpuSeconds!).toBeLessThanOrEqual(window.cpuSeconds + 0.02);
  });
});
