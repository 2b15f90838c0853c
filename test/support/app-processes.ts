import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest, Agent } from 'node:http';
import { createServer, connect } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * Real app processes for the process-level tests: started with Node's own binary (so a run on Node 24
 * starts Node 24 children), TypeScript through tsx with the workspace's source condition, on a
 * loopback port; their stdout JSON lines collected. Every process started here is killed by
 * `killAllApps()` (call it in afterAll/afterEach) and, as a last resort, when the test process exits.
 */

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface AppExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface AppProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  /** `http://127.0.0.1:<port><path>` */
  url(path: string): string;
  /** Every stdout line that parsed as a JSON object, in order. */
  readonly lines: Record<string, unknown>[];
  /** Everything on stderr so far (for failure messages). */
  stderr(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<AppExit>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** Sends `signal` and waits (at most `timeoutMs`, then SIGKILL) for the exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<AppExit>;
}

const running = new Set<AppProcess>();

process.once('exit', () => {
  for (const app of running) app.child.kill('SIGKILL');
});

/** A port nobody listens on right now (the kernel's choice), for a child to bind. */
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

export interface StartAppOptions {
  /** For messages. */
  readonly name: string;
  /** A TypeScript entry point, relative to the repository root. */
  readonly script: string;
  /** Added to (and overriding) the inherited environment; `undefined` removes a variable. */
  readonly env?: Record<string, string | undefined>;
  /** The port the app is told to listen on (via `env.PORT`); default: a free one. */
  readonly port?: number;
  /** How long to wait for the port to accept connections. Default 40 s (a cold tsx start on a busy 2-core machine). */
  readonly readyTimeoutMs?: number;
  /**
   * A shell prefix run before exec'ing Node, e.g. `ulimit -f 512` to cap the size of any file the app
   * writes. Runs through `bash -c`; the pid is still Node's (exec).
   */
  readonly shellPrefix?: string;
}

/** Starts an app and waits until its port accepts connections. */
export async function startApp(options: StartAppOptions): Promise<AppProcess> {
  const port = options.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  // The children must not inherit test-runner hooks; they run like `node server.ts` would.
  delete env.NODE_OPTIONS;
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const nodeArgs = ['--conditions=wearhook:source', '--import', 'tsx', options.script];
  const child =
    options.shellPrefix === undefined
      ? spawn(process.execPath, nodeArgs, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('bash', ['-c', `${options.shellPrefix} && exec "$0" "$@"`, process.execPath, ...nodeArgs], {
          cwd: REPO_ROOT,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });

  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let partial = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    partial += chunk;
    let newline: number;
    while ((newline = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, newline).trim();
      partial = partial.slice(newline + 1);
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not one of ours.
      }
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    // Keep the tail only: a long run may log a lot of store errors on purpose.
    stderr = (stderr + chunk).slice(-20_000);
  });

  let exitInfo: AppExit | undefined;
  const exited = new Promise<AppExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      running.delete(app);
      resolve(exitInfo);
    });
  });

  const app: AppProcess = {
    name: options.name,
    child,
    pid: child.pid ?? -1,
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    lines,
    stderr: () => stderr,
    exited,
    hasExited: () => exitInfo !== undefined,
    async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000) {
      if (exitInfo !== undefined) return exitInfo;
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs);
      });
      const result = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (result === 'late') {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`${options.name} did not exit within ${timeoutMs} ms of ${signal}; killed. stderr:\n${stderr}`);
      }
      return result;
    },
  };
  running.add(app);

  try {
    await waitForPort(port, options.readyTimeoutMs ?? 40_000, () => exitInfo);
  } catch (error) {
    await app.stop('SIGKILL').catch(() => {});
    throw new Error(`${options.name} did not start: ${(error as Error).message}\nstderr:\n${stderr}`, { cause: error });
  }
  return app;
}

/** Kills every app still running (SIGKILL) and waits for them to exit. */
export async function killAllApps(): Promise<void> {
  await Promise.all([...running].map((app) => app.stop('SIGKILL', 5_000).catch(() => {})));
}

async function waitForPort(port: number, timeoutMs: number, exited: () => AppExit | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = exited();
    if (info !== undefined) throw new Error(`exited early (code ${info.code}, signal ${info.signal})`);
    if (await canConnect(port)) return;
    if (Date.now() > deadline) throw new Error(`port ${port} not accepting connections after ${timeoutMs} ms`);
    await sleep(50);
  }
}

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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every 25 ms until it holds; throws `describe()` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await sleep(25);
  }
}

export interface PostResult {
  /** 0 when no response came (connection refused or reset, e.g. the app was killed). */
  readonly status: number;
  readonly body: string;
  readonly error?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs `body` byte for byte; never rejects (a failed request is status 0: not acknowledged). */
export function post(url: string, body: Buffer, headers: Record<string, string>, timeoutMs = 15_000): Promise<PostResult> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error) => resolve({ status: 0, body: '', error: error.message }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ status: 0, body: '', error: error.message }));
    req.end(body);
  });
}

/** Runs `task` over `items` with at most `concurrency` at a time; `stop()` true ends it early. */
export async function runPool<T>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<void>, stop: () => boolean = () => false): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !stop()) {
      const index = next++;
      await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** A seeded PRNG (mulberry32), so the mixes of duplicates and orders are reproducible per seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
