import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, freePort, sleep, waitUntil } from '../support/app-processes.js';

// The README's newcomer path, run as written: the start command of "Try it" (only PORT and the SQLite
// file differ, through the environment), then each `wearhook send` line of that block with the port
// swapped, and the "Testing your own handlers" snippet. If the README drifts from the example's demo
// secrets, paths or the CLI's arguments, this fails.

const run = promisify(execFile);

/**
 * The environment a newcomer's shell has: ours without NODE_OPTIONS (vitest's) and without the
 * `npm_*` variables an enclosing npm or npx sets (CI runs the suite under `npx -p node@24 ...`, and
 * its `npm_config_package` would make the README's own `npx` try to install "node@24" instead).
 */
function newcomerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  for (const name of Object.keys(env)) if (name.toLowerCase().startsWith('npm_')) delete env[name];
  return env;
}
const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** The first fenced block of `language` after `heading`, as lines. */
function blockAfter(heading: string, language: string): string[] {
  const start = README.indexOf(heading);
  expect(start, `README has the heading ${heading}`).toBeGreaterThanOrEqual(0);
  const open = README.indexOf(`\`\`\`${language}\n`, start);
  const close = README.indexOf('\n```', open + 1);
  return README.slice(open + language.length + 4, close).split('\n');
}

const tryIt = blockAfter('## Try it: receive your first delivery', 'sh').filter((line) => line.trim() !== '' && !line.startsWith('#'));
const startLine = tryIt[0]!;
const sendLines = tryIt.filter((line) => line.includes(' wearhook send '));
const providerOf = (line: string): string => line.split(' wearhook send ')[1]!.split(' ')[0]!;

let app: ChildProcess;
let port: number;
let stdout = '';
let stderr = '';
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wearhook-newcomer-'));
  port = await freePort();
  // `install && start`: the workspace is installed already; the start half runs verbatim.
  const start = startLine.split(' && ').at(-1)!;
  expect(start).toBe('npx -y pnpm@10.34.9 --dir examples/express-app start');
  const env = newcomerEnv({ PORT: String(port), WEARHOOK_DB: join(dir, 'inbox.db') });
  // Its own process group, so the whole tree (npx, pnpm, tsx, node) is ended together.
  app = spawn('bash', ['-c', start], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  app.stdout!.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk));
  app.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
  await waitUntil(() => stderr.includes(`on http://localhost:${port}/webhooks`), 90_000, () => `the example did not start:\n${stderr}`);
}, 120_000);

afterAll(async () => {
  if (app?.pid !== undefined && app.exitCode === null) {
    process.kill(-app.pid, 'SIGTERM');
    await sleep(500);
    if (app.exitCode === null) process.kill(-app.pid, 'SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("the README's newcomer path", () => {
  it('has one send line per provider, with the example demo secrets', () => {
    expect(sendLines.map(providerOf)).toEqual(['thryve', 'terra', 'vital']);
    const config = readFileSync(join(REPO_ROOT, 'examples/express-app/src/config.ts'), 'utf8');
    for (const line of sendLines) {
      const secret = line.split('--secret ')[1]!.trim();
      expect(config).toContain(`'${secret}'`);
    }
  });

  it.each(sendLines.map((line) => [providerOf(line), line]))('%s: the CLI line gets 204 and the example handles the event', async (provider, line) => {
    const command = line.replaceAll('localhost:3000', `localhost:${port}`);
    const env = newcomerEnv();
    const { stdout: cliOut, stderr: cliErr } = await run('bash', ['-c', command], { cwd: REPO_ROOT, env, timeout: 60_000 });
    expect(cliOut).toMatch(new RegExp(`204 from http://localhost:${port}/webhooks/${provider}: ${provider} `));
    // The line carries a secret: neither pnpm nor the CLI may print it.
    const secret = line.split('--secret ')[1]!.trim();
    expect(cliOut + cliErr).not.toContain(secret);
    const type = line.split('--type ')[1]!.split(' ')[0]!;
    await waitUntil(
      () => stdout.includes(`{"provider":"${provider}","type":"${type}","deliveryKey":"${provider}:`),
      15_000,
      () => `no handled line for ${provider} ${type} in:\n${stdout}\n${stderr}`,
    );
  }, 90_000);

  it('the "Testing your own handlers" snippet gets 204 from the example', async () => {
    const snippet = blockAfter('## Testing your own handlers', 'ts');
    const end = snippet.findIndex((line) => line.startsWith('console.log(response.status)'));
    expect(end).toBeGreaterThan(0);
    const code = snippet.slice(0, end + 1).join('\n').replaceAll('localhost:3000', `localhost:${port}`);
    // Where the README says it runs in this repository: a file in examples/express-app/.
    const folder = join(REPO_ROOT, 'examples/express-app/.tmp');
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `readme-snippet-${process.pid}.ts`);
    writeFileSync(file, code);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_OPTIONS;
    try {
      const { stdout: out } = await run(process.execPath, ['--conditions=wearhook:source', '--import', 'tsx', file], {
        cwd: join(REPO_ROOT, 'examples/express-app'),
        env,
        timeout: 60_000,
      });
      expect(out.trim()).toBe('204');
    } finally {
      rmSync(file, { force: true });
    }
  }, 90_000);
});
