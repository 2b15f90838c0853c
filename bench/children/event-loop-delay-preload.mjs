// Event-loop delay inside a process the benchmark did not write (the example app, started by its own
// start script), without changing it: loaded into every Node process of that start script through
// NODE_OPTIONS=--import. Plain JavaScript, so it loads before any TypeScript loader is registered.
//
// Only active when WEARHOOK_BENCH_ELD_DIR names a directory, and only on a process's main thread: worker
// threads load --import preloads too, with their parent's pid and an argv naming the worker's file, so
// esbuild's sync-API worker (started by tsx) used to overwrite the app's start record with
// [node, esbuild/lib/main.js], and the harness never found the app ("did not listen in time" while
// the port answered). Each process writes
//   <dir>/<pid>.start.json  at start: pid, ppid, argv, Node version (so the harness can tell the app
//                           process from the package manager and tsx's launcher, which load this too);
//   <dir>/<pid>.<n>.json    on each SIGUSR2: the delay histogram and GC pauses since the previous one, then resets them,
//                           so the harness cuts windows (start-up / warm-up | load | drain);
//   <dir>/<pid>.exit.json   at exit: the window still open.
// A SIGUSR2 listener changes nothing for a process that had none (its default action would kill it).
//
// With WEARHOOK_BENCH_CPU_PROF_DIR too, the first window cut starts V8's CPU profiler and the second
// stops it, writing <that dir>/<pid>.load.cpuprofile: a profile of exactly the measured load
// (`--cpu-prof` is not allowed in NODE_OPTIONS, and would profile start-up too).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import process from 'node:process';
import { isMainThread } from 'node:worker_threads';
import { threadCpuMicros } from '../lib/thread-cpu.mjs';

const dir = process.env.WEARHOOK_BENCH_ELD_DIR;
if (dir && isMainThread) {
  // 1 ms: the histogram's values are the gaps between timer ticks, so they include this interval; a
  // coarse one (the default 10 ms) would hide everything under it.
  const RESOLUTION_MS = 1;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let window = 0;
  let windowStart = performance.now();
  let cpuAtStart = process.cpuUsage();
  // The main thread's own CPU time (thread-cpu.mjs), in seconds; null where it cannot be read.
  const mainThreadCpuSeconds = () => {
    const micros = threadCpuMicros();
    return micros === null ? null : micros / 1e6;
  };
  let threadCpuAtStart = mainThreadCpuSeconds();
  // Garbage-collection pauses in the same windows: event-loop delay under load is mostly these (a
  // scavenge copies what survives it, so a store that keeps what it receives makes them longer).
  const GC_KINDS = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
  };
  let gc = { count: 0, totalMs: 0, maxMs: 0, longestKind: null };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count += 1;
      gc.totalMs += entry.duration;
      if (entry.duration > gc.maxMs) {
        gc.maxMs = entry.duration;
        gc.longestKind = GC_KINDS[entry.detail?.kind] ?? String(entry.detail?.kind);
      }
    }
  }).observe({ entryTypes: ['gc'] });

  const snapshot = () => {
    const ms = (ns) => ns / 1e6;
    const cpu = process.cpuUsage(cpuAtStart);
    return {
      pid: process.pid,
      resolutionMs: RESOLUTION_MS,
      seconds: (performance.now() - windowStart) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      mainThreadCpuSeconds: threadCpuAtStart === null ? null : mainThreadCpuSeconds() - threadCpuAtStart,
      count: histogram.count,
      minMs: histogram.count === 0 ? null : ms(histogram.min),
      meanMs: histogram.count === 0 ? null : ms(histogram.mean),
      p50Ms: histogram.count === 0 ? null : ms(histogram.percentile(50)),
      p99Ms: histogram.count === 0 ? null : ms(histogram.percentile(99)),
      maxMs: histogram.count === 0 ? null : ms(histogram.max),
      gcPauses: gc.count,
      gcTotalMs: gc.totalMs,
      gcMaxMs: gc.count === 0 ? null : gc.maxMs,
      gcLongestKind: gc.longestKind,
    };
  };
  const write = (name, value) => {
    try {
      writeFileSync(join(dir, `${process.pid}.${name}.json`), JSON.stringify(value));
    } catch {
      // The harness may already have removed the directory; never let measuring break the app.
    }
  };

  write('start', { pid: process.pid, ppid: process.ppid, argv: process.argv, execArgv: process.execArgv, node: process.version });
  const profileDir = process.env.WEARHOOK_BENCH_CPU_PROF_DIR;
  let session;
  const profile = (cut) => {
    if (!profileDir) return;
    if (cut === 0) {
      session = new Session();
      session.connect();
      session.post('Profiler.enable', () => session.post('Profiler.start'));
    } else if (cut === 1 && session) {
      session.post('Profiler.stop', (error, result) => {
        if (!error) {
          try {
            writeFileSync(join(profileDir, `${process.pid}.load.cpuprofile`), JSON.stringify(result.profile));
          } catch {
            // As above: measuring never breaks the app.
          }
        }
        session.disconnect();
      });
    }
  };

  process.on('SIGUSR2', () => {
    profile(window);
    write(String(window++), snapshot());
    histogram.reset();
    gc = { count: 0, totalMs: 0, maxMs: 0, longestKind: null };
    windowStart = performance.now();
    cpuAtStart = process.cpuUsage();
    threadCpuAtStart = mainThreadCpuSeconds();
  });
  process.on('exit', () => write('exit', snapshot()));
}
