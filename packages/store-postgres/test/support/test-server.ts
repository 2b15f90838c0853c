import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const scripts = fileURLToPath(new URL('../../../../scripts/postgres/', import.meta.url));

export interface TestServer {
  readonly url: string;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
}

/** Environment for the scripts: one data directory per port, shared with anyone using the same port. */
function scriptEnv(port: number): NodeJS.ProcessEnv {
  return { ...process.env, WEARHOOK_PG_DIR: join(process.env.TMPDIR ?? tmpdir(), `wearhook-pg-${port}`) };
}

function isRunning(port: number): boolean {
  const pidfile = join(scriptEnv(port).WEARHOOK_PG_DIR!, 'server.pid');
  if (!existsSync(pidfile)) return false;
  try {
    process.kill(Number(readFileSync(pidfile, 'utf8').trim()), 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts (or reuses) the throwaway server of scripts/postgres/start.sh on `port`. */
export async function startServer(port: number): Promise<TestServer> {
  const wasRunning = isRunning(port);
  const { stdout } = await run('bash', [join(scripts, 'start.sh'), String(port)], {
    env: scriptEnv(port),
    timeout: 300_000,
  });
  const url = stdout.trim().split('\n').at(-1) ?? '';
  return { url, stop: wasRunning ? async () => {} : () => stopServer(port) };
}

export async function stopServer(port: number, { clean = false } = {}): Promise<void> {
  await run('bash', [join(scripts, 'stop.sh'), String(port), ...(clean ? ['--clean'] : [])], { env: scriptEnv(port) });
}

/**
 * The server a Postgres test file uses: `WEARHOOK_TEST_DATABASE_URL` if set (unless `own`), else a
 * throwaway one started by the script on `port`. Each test file uses its own port, so files running
 * in parallel never stop a server another one uses. When no server can be had this throws, so the
 * file fails loudly; only outside CI, with `WEARHOOK_SKIP_POSTGRES=1`, it returns `undefined` and the
 * caller skips.
 */
export async function acquirePostgres(port: number, { own = false } = {}): Promise<TestServer | undefined> {
  const given = process.env.WEARHOOK_TEST_DATABASE_URL;
  if (!own && given !== undefined && given !== '') return { url: given, stop: async () => {} };
  try {
    return await startServer(port);
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr || String(error);
    if (process.env.CI !== 'true' && process.env.WEARHOOK_SKIP_POSTGRES === '1') {
      console.warn(`[wearhook] SKIPPING PostgreSQL tests (WEARHOOK_SKIP_POSTGRES=1): ${detail}`);
      return undefined;
    }
    throw new Error(
      'No PostgreSQL server for the tests: set WEARHOOK_TEST_DATABASE_URL, or let scripts/postgres/start.sh ' +
        `start one (it needs initdb/pg_ctl or root to install them). Script output:\n${detail}`,
      { cause: error },
    );
  }
}
