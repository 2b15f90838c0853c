// The packages as a user gets them: built, packed with pnpm, installed with plain npm into a fresh
// project outside the workspace (npm resolves from the registry and the local tarballs only), then used
// the four ways the issue names: import, require(), an esbuild bundle run from a folder with no
// node_modules, and express.raw() in front of the middleware. Also: publint and attw against the
// tarballs, the declarations under `tsc --module nodenext` from both module systems, and the SQLite
// binding only where Node needs it.
//
// Runs on the Node that runs the tests; CI runs the suite on Node 20 and on Node 24.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { thryveSamples, thryveTestDelivery } from '@wearhook/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attwProblems, publintProblems, requiredFiles, workspaceRanges } from '../../scripts/packaging/check-tarball.js';
import { REPO_ROOT, buildPackages, packPackages, publishedPackages } from '../../scripts/packaging/pack.js';

const CONSUMER_FILES = fileURLToPath(new URL('./consumer/', import.meta.url));
const SECRET = 'packaging-test-secret';
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const hasBuiltinSqlite = major > 22 || (major === 22 && minor >= 13);

let work: string;
let consumer: string;
let tarballs: Map<string, string>;

function dirBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sum + dirBytes(path);
    return entry.isFile() ? sum + statSync(path).size : sum;
  }, 0);
}

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  // Outside the repository, so nothing resolves through the workspace's node_modules.
  work = mkdtempSync(join(tmpdir(), 'wearhook-packaging-'));
  buildPackages();
  tarballs = packPackages(join(work, 'tarballs'));

  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  const dependencies: Record<string, string> = {};
  for (const [name, tarball] of tarballs) dependencies[name] = `file:${tarball}`;
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({
      name: 'wearhook-packaging-consumer',
      private: true,
      version: '0.0.0',
      dependencies: { ...dependencies, express: '^5.1.0' },
      devDependencies: { '@types/express': '^5.0.0', '@types/node': '^20.19.0', esbuild: '0.28.2' },
    }),
  );
  cpSync(CONSUMER_FILES, consumer, { recursive: true });
  // --prefer-offline: the npm cache of earlier runs answers for registry packages.
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], consumer);
  console.warn(
    `packaging: Node ${process.version}; tarballs ${[...tarballs].map(([name, file]) => `${name} ${(statSync(file).size / 1024).toFixed(1)} KiB`).join(', ')}; ` +
      `consumer node_modules ${(dirBytes(join(consumer, 'node_modules')) / 1024 / 1024).toFixed(1)} MiB`,
  );
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Served {
  readonly status: number;
  readonly events: Record<string, unknown>[];
  readonly stderr: string;
}

/** Starts `node <args>` in `cwd`, waits for {"listening":port}, posts one delivery, collects events. */
async function serveAndDeliver(cwd: string, args: string[], delivery: { body: Buffer; headers: Record<string, string> }): Promise<Served> {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, THRYVE_SECRET: SECRET }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          try {
            const parsed = JSON.parse(line) as Record<string, unknown>;
            if (typeof parsed.listening === 'number') resolve(parsed.listening);
            else lines.push(parsed);
          } catch {
            // not a JSON line
          }
        }
      });
      void exited.then(() => reject(new Error(`the app exited before listening: ${stderr}`)));
      setTimeout(() => reject(new Error(`the app did not listen within 20 s: ${stderr}`)), 20_000).unref();
    });
    const response = await fetch(`http://127.0.0.1:${port}/webhooks/thryve`, { method: 'POST', headers: delivery.headers, body: delivery.body });
    await response.arrayBuffer();
    // Without a store the handlers run before the answer, so the event line is on its way already.
    const deadline = Date.now() + 5_000;
    while (response.status === 204 && lines.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return { status: response.status, events: lines, stderr };
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

const zstdDelivery = () => thryveTestDelivery('event.data.epoch.create', { secret: SECRET });
const typedEvent = { type: 'event.data.epoch.create', dataTypeId: expect.any(Number), startIsDate: true, drift: [] };
// The first delivery of a type imports its conformance validator (a chunk of its own): a payload that
// drifts shows that the chunk loads in each way of running the app and that its drift is reported.
const driftingDelivery = () =>
  thryveTestDelivery('event.data.epoch.create', { secret: SECRET, payload: { ...thryveSamples['event.data.epoch.create'](), endUserAlias: 5 as never } });
const driftingEvent = { ...typedEvent, drift: ['/endUserAlias'] };

describe('the packed tarballs', () => {
  it('hold no workspace: range, LICENSE and README, and dist without sources', () => {
    for (const [name, tarball] of tarballs) {
      expect({ name, problems: [...workspaceRanges(tarball), ...requiredFiles(tarball)] }).toEqual({ name, problems: [] });
    }
  });

  it('are clean under publint (strict) and attw (node16 profile)', () => {
    for (const [name, tarball] of tarballs) {
      expect({ name, problems: [...publintProblems(tarball), ...attwProblems(tarball)] }).toEqual({ name, problems: [] });
    }
  }, 120_000);

  it('every entry point of every package loads with require() and with import()', () => {
    const names = publishedPackages().map((pkg) => pkg.name);
    const results = JSON.parse(run(process.execPath, ['entry-points.cjs', ...names], consumer)) as Record<string, { require: unknown; import: unknown }>;
    expect(Object.keys(results).length).toBeGreaterThanOrEqual(names.length);
    for (const [specifier, outcome] of Object.entries(results)) {
      if (specifier === '@wearhook/core/testing/store-contract') {
        // Its optional peers vitest and fast-check are not installed here: it must name the missing one.
        expect(String(outcome.require)).toMatch(/Cannot find (module|package) '(vitest|fast-check)'/);
        continue;
      }
      expect({ specifier, outcome }).toEqual({ specifier, outcome: { require: expect.arrayContaining([expect.any(String)]), import: outcome.require } });
    }
  });

  it('an app that both imports and requires core has two WebhookError classes, and isWebhookError knows both', () => {
    expect(JSON.parse(run(process.execPath, ['dual-copies.mjs'], consumer))).toEqual({ twoCopies: true, esmSeesCjs: true, cjsSeesEsm: true, plainErrorIsNot: false });
  });

  it('type-check from ESM and from CommonJS under tsc --module nodenext', () => {
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const flags = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node'];
    expect(() => run(process.execPath, [tsc, ...flags, 'types.mts', 'types.cts'], consumer)).not.toThrow();
  }, 120_000);
});

describe('a signed Thryve delivery with a typed event, from the installed packages', () => {
  it('ESM: import', async () => {
    const served = await serveAndDeliver(consumer, ['server.mjs'], zstdDelivery());
    expect(served, served.stderr).toMatchObject({ status: 204, events: [typedEvent] });
  });

  it('CommonJS: require()', async () => {
    const served = await serveAndDeliver(consumer, ['server.cjs'], zstdDelivery());
    expect(served, served.stderr).toMatchObject({ status: 204, events: [typedEvent] });
  });

  it.each([
    ['ESM', 'server.mjs'],
    ['CommonJS', 'server.cjs'],
  ])('%s: the first delivery of a type reports its drift', async (_name, server) => {
    const served = await serveAndDeliver(consumer, [server], driftingDelivery());
    expect(served, served.stderr).toMatchObject({ status: 204, events: [driftingEvent] });
  });

  it('an esbuild --bundle --platform=node bundle, run from a folder with no node_modules', async () => {
    const bundleDir = join(work, 'bundle-only');
    mkdirSync(bundleDir, { recursive: true });
    run(join(consumer, 'node_modules', '.bin', 'esbuild'), ['server.mjs', '--bundle', '--platform=node', `--outfile=${join(bundleDir, 'server.cjs')}`, '--log-level=error'], consumer);
    expect(readdirSync(bundleDir)).toEqual(['server.cjs']);
    const served = await serveAndDeliver(bundleDir, ['server.cjs'], zstdDelivery());
    expect(served, served.stderr).toMatchObject({ status: 204, events: [typedEvent] });
    const drifting = await serveAndDeliver(bundleDir, ['server.cjs'], driftingDelivery());
    expect(drifting, drifting.stderr).toMatchObject({ status: 204, events: [driftingEvent] });
  });

  it('express.raw({ type: "application/json" }) mounted in front (uncompressed, as body-parser cannot keep zstd bytes)', async () => {
    const delivery = thryveTestDelivery('event.data.epoch.create', { secret: SECRET, compress: false });
    const served = await serveAndDeliver(consumer, ['server.mjs', 'raw'], delivery);
    expect(served, served.stderr).toMatchObject({ status: 204, events: [typedEvent] });
  });
});

describe('the SQLite binding', () => {
  it(hasBuiltinSqlite ? 'is not installed on this Node, and the store runs on node:sqlite' : 'is not installed by default, and the store says what to install', () => {
    expect(existsSync(join(consumer, 'node_modules', '@photostructure', 'sqlite'))).toBe(false);
    const outcome = JSON.parse(run(process.execPath, ['sqlite.mjs', join(work, 'inbox.db')], consumer)) as { driver?: string; error?: string };
    if (hasBuiltinSqlite) expect(outcome).toEqual({ driver: 'node:sqlite' });
    else expect(outcome.error).toContain('npm install @photostructure/sqlite@^1.2.1');
  });
});
