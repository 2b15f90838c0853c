// Server processes of the end-to-end inbox benchmark, started the way users start them (the example
// app through its own `pnpm start`), with the event-loop-delay preload injected via NODE_OPTIONS and
// their stdout lines (one JSON line per handled event) counted as they arrive.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchPath } from './child.js';

const PRELOAD_URL = pathToFileURL(benchPath('children', 'event-loop-delay-preload.mjs')).href;

/** One window of the event-loop-delay histogram of a process (see the preload). */
export interface DelayWindow {
  readonly seconds: number;
  readonly cpuSeconds: number;
  /** The main thread's share of `cpuSeconds` (JavaScript, the event loop, GC pauses on it); null where it cannot be read. */
  readonly mainThreadCpuSeconds: number | null;
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  readonly resolutionMs: number;
  /** Garbage-collection pauses in the window (a PerformanceObserver in the same preload). */
  readonly gcPauses: number;
  readonly gcTotalMs: number;
  readonly gcMaxMs: number | null;
  /** The kind of the longest pause: scavenge, mark-compact, incremental marking, weak callbacks. */
  readonly gcLongestKind: string | null;
}

export interface ServerProcess {
  readonly name: string;
  readonly port: number;
  /** The pid of the process that serves HTTP (for the example: below pnpm and tsx's launcher). */
  readonly appPid: number;
  /** The Node version of that process, as it reported it. */
  readonly node: string;
  /**
   * Delivery keys of handled events (from the JSON lines), with the time each line was read (or
   * `stamp`, when given to `readOutput`). Filled by `readOutput`.
   */
  readonly handled: Map<string, number>;
  /** Reads the lines the app has written since the last call. */
  readOutput(stamp?: number): void;
  /** Closes the current event-loop-delay window of the app process and returns it. */
  cutDelayWindow(): Promise<DelayWindow | undefined>;
  /** The tail of stderr, for error messages. */
  stderr(): string;
  hasExited(): boolean;
  /** SIGTERM to the app process (its own graceful shutdown), SIGKILL to the group after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartOptions {
  readonly name: string;
  /** The command and its arguments (the first is the executable). */
  readonly command: readonly string[];
  readonly cwd: string;
  /** Added to the inherited environment; `undefined` removes a variable. */
  readonly env: Record<string, string | undefined>;
  /** A fragment of the app process's argv (its entry script) that tells it from its launchers. */
  readonly appScript: string;
  readonly port: number;
  readonly readyTimeoutMs?: number;
}

/** A port nobody listens on right now, for a child to bind. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

interface StartRecord {
  readonly pid: number;
  readonly ppid: number;
  readonly argv: readonly string[];
  readonly node: string;
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * The app process among those that loaded the preload: its argv names the entry script, and it has
 * no child that does too (tsx's launcher runs the script in a child process; pnpm and the shell
 * between them never name it).
 */
function findAppProcess(dir: string, appScript: string): StartRecord | undefined {
  const records = readdirSync(dir)
    .filter((file) => file.endsWith('.start.json'))
    .map((file) => readJson<StartRecord>(join(dir, file)))
    .filter((r): r is StartRecord => r !== undefined && r.argv.some((arg) => arg.includes(appScript)));
  return records.find((r) => !records.some((other) => other.ppid === r.pid));
}

/** Starts a server process, waits for its port and for its app process to identify itself. */
export async function startServerProcess(options: StartOptions): Promise<ServerProcess> {
  const eldDir = mkdtempSync(join(tmpdir(), 'wearhook-bench-eld-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(options.port), WEARHOOK_BENCH_ELD_DIR: eldDir };
  env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import=${PRELOAD_URL}`.trim();
  for (const [key, value] of Object.entries(options.env)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const [executable, ...args] = options.command;
  if (executable === undefined) throw new Error('startServerProcess: empty command');
  // stdout goes to a file, not a pipe: Node writes to pipes synchronously on Linux, so a pipe read by
  // this (busy) load-generating process would stall the app whenever the pipe is full.
  const outputPath = join(eldDir, 'stdout.log');
  const outputFd = openSync(outputPath, 'w');
  // Its own process group, so a hung start script can be killed with everything it started.
  const child: ChildProcess = spawn(executable, args, { cwd: options.cwd, env, stdio: ['ignore', outputFd, 'pipe'], detached: true });
  closeSync(outputFd);
  const handled = new Map<string, number>();
  const readFd = openSync(outputPath, 'r');
  const chunk = Buffer.alloc(1 << 20);
  let offset = 0;
  let partial = '';
  const readOutput = (stamp?: number): void => {
    const now = stamp ?? performance.now();
    for (;;) {
      const n = readSync(readFd, chunk, 0, chunk.length, offset);
      if (n === 0) break;
      offset += n;
      partial += chunk.toString('utf8', 0, n);
      let newline: number;
      while ((newline = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, newline);
        partial = partial.slice(newline + 1);
        // Cheaper than JSON.parse for every line: the contract is {"provider":…,"type":…,"deliveryKey":"…"}.
        const at = line.indexOf('"deliveryKey":"');
        if (at < 0) continue;
        const start = at + 15;
        const key = line.slice(start, line.indexOf('"', start));
        if (!handled.has(key)) handled.set(key, now);
      }
    }
  };
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8_000);
  });
  let exited = false;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.once('exit', () => {
    exited = true;
  });

  const killGroup = () => {
    if (child.pid !== undefined && !exited) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };

  // Generous: a cold tsx start of the example on a loaded 2-core machine has taken over a minute.
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  let app: StartRecord | undefined;
  try {
    for (;;) {
      if (exited) throw new Error(`${options.name} exited before it listened. stderr:\n${stderr}`);
      const listening = await canConnect(options.port);
      if (Date.now() > deadline) {
        // Which of the two waits ran out tells a slow or hung start from a port someone else holds.
        const started = readdirSync(eldDir).filter((file) => file.endsWith('.start.json'));
        throw new Error(
          `${options.name} did not listen on ${options.port} in time (port accepting connections: ${listening}; ` +
            `processes that loaded the preload: ${started.join(', ') || 'none'}). stderr:\n${stderr}`,
        );
      }
      if (listening) {
        app = findAppProcess(eldDir, options.appScript);
        if (app !== undefined) break;
      }
      await sleep(50);
    }
  } catch (error) {
    killGroup();
    closeSync(readFd);
    rmSync(eldDir, { recursive: true, force: true });
    throw error;
  }
  const appPid = app.pid;
  let window = 0;

  return {
    name: options.name,
    port: options.port,
    appPid,
    node: app.node,
    handled,
    readOutput,
    stderr: () => stderr,
    hasExited: () => exited,
    async cutDelayWindow() {
      const file = join(eldDir, `${appPid}.${window++}.json`);
      try {
        process.kill(appPid, 'SIGUSR2');
      } catch {
        return undefined;
      }
      for (let waited = 0; waited < 5_000; waited += 20) {
        const value = readJson<DelayWindow>(file);
        if (value !== undefined) return value;
        await sleep(20);
      }
      return undefined;
    },
    async stop(timeoutMs = 15_000) {
      if (!exited) {
        try {
          process.kill(appPid, 'SIGTERM');
        } catch {
          // Already gone.
        }
        const timer = setTimeout(killGroup, timeoutMs);
        await closed;
        clearTimeout(timer);
      }
      readOutput();
      closeSync(readFd);
      rmSync(eldDir, { recursive: true, force: true });
    },
  };
}
