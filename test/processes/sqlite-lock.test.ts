import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSqliteDriver, type SqliteDriverName } from '@wearhook/core/stores';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killAllApps, post, sleep, startApp, waitUntil, type PostResult } from '../support/app-processes.js';
import { handledBy } from '../support/inbox-checks.js';
import { PROCESS_SECRETS, vitalSleepVersion, type VersionedDelivery } from '../support/process-deliveries.js';

// Issue 8 item 4: another connection holds the SQLite write lock while the Express example (as
// started by its own entry point, default store options) receives deliveries. Deliveries must get 503
// within the providers' 2 s deadline, requests that need no store must not wait behind the lock, and
// once the lock is gone deliveries are accepted again.

const dirs: string[] = [];
afterEach(killAllApps);
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const runId = randomUUID().slice(0, 8);
let serial = 0;
function freshDelivery(): VersionedDelivery {
  serial += 1;
  return vitalSleepVersion({ userId: 'lock-user', summaryId: `lock-${runId}-${serial}`, version: 0, runId });
}

/** A request that needs no store: the webhook route answers GET with 405 before reading anything. */
function timedGet(url: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = httpRequest(url, { method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end();
  });
}

async function timedPost(url: string, delivery: VersionedDelivery): Promise<PostResult & { ms: number }> {
  const { body, headers } = delivery.sign();
  const started = performance.now();
  const result = await post(url, body, headers);
  return { ...result, ms: performance.now() - started };
}

describe('the Express example on SQLite while another connection holds the write lock', () => {
  it('answers deliveries 503 within 2 s, other requests within 500 ms, and 204 again once the lock is released', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wearhook-lock-'));
    dirs.push(dir);
    const db = join(dir, 'inbox.db');
    const app = await startApp({
      name: 'express example (SQLite)',
      script: 'examples/express-app/src/server.ts',
      env: { ...PROCESS_SECRETS, WEARHOOK_DB: db, DATABASE_URL: undefined },
    });
    const url = app.url('/webhooks/vital');

    const warmUpDeliveries = [freshDelivery(), freshDelivery()];
    const warmUp = await Promise.all(warmUpDeliveries.map((d) => timedPost(url, d)));
    for (const response of warmUp) expect(response.status, response.body).toBe(204);
    // The 405 path once before the lock, so its first-use module loading is not counted as a stall.
    expect((await timedGet(url)).status).toBe(405);

    // Another process's connection (this test process) takes the write lock and keeps it.
    const driverName: SqliteDriverName = (await loadSqliteDriver()).name;
    const holder = (await loadSqliteDriver(driverName)).open(db);
    holder.exec('PRAGMA busy_timeout = 5000');
    holder.exec('BEGIN IMMEDIATE');
    let released = false;
    const refusedDeliveries = Array.from({ length: 8 }, freshDelivery);
    try {
      const probes: Array<{ status: number; ms: number }> = [];
      let sending = true;
      const probing = (async () => {
        while (sending) {
          probes.push(await timedGet(url));
          await sleep(50);
        }
      })();
      // Two waves, the second while the first still waits for the lock.
      const first = refusedDeliveries.slice(0, 4).map((d) => timedPost(url, d));
      await sleep(400);
      const second = refusedDeliveries.slice(4).map((d) => timedPost(url, d));
      const responses = await Promise.all([...first, ...second]);
      sending = false;
      await probing;

      for (const response of responses) {
        expect(response.status, response.body).toBe(503);
        expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'store_unavailable' } });
        expect(response.ms).toBeLessThan(2000);
      }
      expect(probes.length).toBeGreaterThanOrEqual(10);
      for (const probe of probes) expect(probe.status).toBe(405);
      const slowest = Math.max(...probes.map((p) => p.ms));
      expect(slowest, `slowest unrelated request: ${slowest.toFixed(1)} ms`).toBeLessThan(500);
      console.warn(
        `[sqlite lock] ${JSON.stringify({
          deliveryMs: responses.map((r) => Math.round(r.ms)),
          probes: probes.length,
          slowestProbeMs: Math.round(slowest),
          probeMs: probes.map((p) => Math.round(p.ms)),
        })}`,
      );
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
      released = true;
    }
    expect(released).toBe(true);

    // The providers retry: now stored and handled.
    const retried = await Promise.all(refusedDeliveries.map((d) => timedPost(url, d)));
    for (const response of retried) expect(response.status, response.body).toBe(204);
    const expected = [...warmUpDeliveries, ...refusedDeliveries].map((d) => d.deliveryKey);
    const processes = [{ name: app.name, lines: app.lines }];
    await waitUntil(
      () => expected.every((key) => handledBy(processes).has(key)),
      20_000,
      () => `handled: ${[...handledBy(processes).keys()].join(', ')}\n${app.stderr().slice(-2000)}`,
    );
    expect(await app.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 60_000);
});
