// Issue 10, item 1: a VALID delivery at the size limit must not stall the process either. A Vital
// timeseries of about 15 MiB makes one record per sample (~10^5); the worker writes them in chunks
// (`RECORDS_PER_WRITE`), so no single transaction holds the event loop, and every record is kept.
import { randomUUID } from 'node:crypto';
import { signStandardWebhooks, vitalSamples } from '@wearhook/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllApps, post, waitUntil } from '../support/app-processes.js';
import { BOUNDS, mb, measureAttack, removeHostileDirs, startHostileApp } from './support/hostile-app.js';

const VITAL_SECRET = 'whsec_cHJvY2Vzcy12aXRhbC1zZWNyZXQ=';
const USER = 'f5b8a0c2-3d4e-4f60-8a1b-2c3d4e5f6a7b';

afterAll(async () => {
  await killAllApps();
  removeHostileDirs();
});

/** A signed heart-rate timeseries with `count` distinct samples, one minute apart. */
function heartrateSeries(count: number): { body: Buffer; headers: Record<string, string>; id: string } {
  const sample = vitalSamples['daily.data.heartrate.created']();
  const start = Date.parse('2024-01-01T00:00:00Z');
  const samples = Array.from({ length: count }, (_, i) => ({
    timestamp: new Date(start + i * 60_000).toISOString(),
    start: null,
    end: null,
    type: 'automatic',
    unit: 'bpm',
    value: 60 + (i % 40),
    timezone_offset: 3600,
  }));
  const body = Buffer.from(JSON.stringify({ ...sample, user_id: USER, data: { ...sample.data, user_id: USER, data: samples } }));
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  const t = Math.floor(Date.now() / 1000);
  return { body, id, headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(t), 'svix-signature': signStandardWebhooks(VITAL_SECRET, id, t, body) } };
}

describe('a valid timeseries at the size limit (issue 10, item 1)', () => {
  it('is acknowledged, handled and all its records kept, within the bounds', async () => {
    const app = await startHostileApp({ store: true });
    const count = 110_000;
    const { body, headers } = heartrateSeries(count);
    expect(body.length).toBeGreaterThan(12 * 1024 * 1024);
    expect(body.length).toBeLessThan(16 * 1024 * 1024);
    const outcome = await measureAttack(app, async () => {
      const response = await post(app.url('/webhooks/vital'), body, headers, 60_000);
      await waitUntil(() => app.lines.some((line) => 'handled' in line), 60_000, () => app.stderr());
      return response;
    });
    const facts = `status ${outcome.result.status}, blocked ${outcome.maxBlockMs.toFixed(0)} ms, grew ${mb(outcome.growthBytes)}, slowest ping ${outcome.slowestPingMs.toFixed(0)} ms`;
    expect(outcome.result.status, facts).toBe(204);
    expect(outcome.maxBlockMs, facts).toBeLessThan(BOUNDS.maxBlockMs);
    expect(outcome.growthBytes, facts).toBeLessThan(BOUNDS.maxGrowthBytes);
    expect(outcome.slowestPingMs, facts).toBeLessThan(BOUNDS.maxPingMs);
    const handled = app.lines.find((line) => 'handled' in line) as { handled: { records: number } };
    expect(handled.handled.records).toBe(count);
    const { createSqliteStore } = await import('@wearhook/core/stores');
    const reader = await createSqliteStore({ filename: app.db! });
    try {
      const records = await reader.getRecords({ provider: 'vital', userId: USER });
      expect(records.length).toBe(count);
    } finally {
      await reader.close();
    }
  }, 180_000);
});
