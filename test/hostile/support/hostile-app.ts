import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startApp, type AppProcess } from '../../support/app-processes.js';

/** The bounds issue 10 sets for every hostile input. */
export const BOUNDS = { maxBlockMs: 1_000, maxGrowthBytes: 300 * 1024 * 1024, maxPingMs: 1_000 } as const;

export interface HostileApp extends AppProcess {
  /** The SQLite file when started with a store. */
  readonly db?: string;
}

const dirs: string[] = [];

/** Starts test/hostile/fixtures/hostile-app.ts in a child process. */
export async function startHostileApp(options: { store?: boolean; env?: Record<string, string> } = {}): Promise<HostileApp> {
  let db: string | undefined;
  if (options.store === true) {
    const dir = mkdtempSync(join(tmpdir(), 'wearhook-hostile-'));
    dirs.push(dir);
    db = join(dir, 'inbox.db');
  }
  const app = await startApp({
    name: 'hostile-app',
    script: 'test/hostile/fixtures/hostile-app.ts',
    env: { ...(db === undefined ? {} : { WEARHOOK_DB: db }), ...options.env },
  });
  return Object.assign(app, { db });
}

export function removeHostileDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Stats {
  readonly maxBlockMs: number;
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

function call(app: AppProcess, method: string, path: string, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(app.url(path), { method, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Resets the app's stall and memory peaks; returns the memory right after. */
export async function resetStats(app: AppProcess): Promise<Stats> {
  return JSON.parse(await call(app, 'POST', '/stats/reset')) as Stats;
}

export async function readStats(app: AppProcess): Promise<Stats> {
  return JSON.parse(await call(app, 'GET', '/stats')) as Stats;
}

/**
 * Pings the app every 100 ms until `done` settles, each on a fresh connection; returns the slowest
 * answer in ms (a ping still unanswered when `done` settles counts with its time so far).
 */
export async function slowestPingWhile(app: AppProcess, done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true)).catch(() => {});
  let slowest = 0;
  const pending = new Set<number>();
  const pings: Promise<void>[] = [];
  while (!finished) {
    const start = performance.now();
    pending.add(start);
    pings.push(
      call(app, 'GET', '/ping', 30_000)
        .catch(() => {})
        .then(() => {
          pending.delete(start);
          slowest = Math.max(slowest, performance.now() - start);
        }),
    );
    await Promise.race([done.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 100))]);
  }
  const now = performance.now();
  for (const start of pending) slowest = Math.max(slowest, now - start);
  return slowest;
}

/**
 * Runs `attack` against the app and returns the bounds it kept: the longest event loop stall, the memory
 * growth over the baseline taken before, and the slowest unrelated request answered meanwhile.
 */
export async function measureAttack<T>(app: AppProcess, attack: () => Promise<T>): Promise<{ result: T; maxBlockMs: number; growthBytes: number; slowestPingMs: number }> {
  const baseline = await resetStats(app);
  const running = attack();
  const slowestPingMs = await slowestPingWhile(app, running);
  const result = await running;
  const after = await readStats(app);
  return { result, maxBlockMs: after.maxBlockMs, growthBytes: after.rss - baseline.rss, slowestPingMs };
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}
