// Issue 10, D1 over real HTTP (the fix is issue 7's validation work, on the validation branch): a signed
// Vital daily.data.heartrate.created whose data.data holds 1,000,000 empty objects (2.9 MB). Before,
// ajv collected ~3 errors per sample and stored them all: 2 GB of growth and 7 s blocked, and bigger
// bodies crashed the process, so every retry crashed it again.
// Expected: acknowledged (204) and kept, with a bounded list of issues, within the bounds.
import { randomUUID } from 'node:crypto';
import { signStandardWebhooks, vitalSamples } from '@wearhook/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllApps, post, waitUntil } from '../support/app-processes.js';
import { BOUNDS, mb, measureAttack, removeHostileDirs, startHostileApp } from './support/hostile-app.js';

const VITAL_SECRET = 'whsec_cHJvY2Vzcy12aXRhbC1zZWNyZXQ=';
/** Issue 9 bounds the issues a quarantined delivery keeps; this is far above any sensible bound and far below D1's 3 million. */
const MAX_STORED_ISSUES = 1_000;

afterAll(async () => {
  await killAllApps();
  removeHostileDirs();
});

function emptySamples(count: number): { body: Buffer; headers: Record<string, string>; id: string } {
  const sample = vitalSamples['daily.data.heartrate.created']();
  const json = JSON.stringify({ ...sample, data: { ...sample.data, data: '@@SAMPLES@@' } });
  const body = Buffer.from(json.replace('"@@SAMPLES@@"', `[${Array(count).fill('{}').join(',')}]`));
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  const t = Math.floor(Date.now() / 1000);
  return { body, id, headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(t), 'svix-signature': signStandardWebhooks(VITAL_SECRET, id, t, body) } };
}

describe('D1: one signed delivery of 1,000,000 empty samples (expected to pass after merging the validation branch)', () => {
  it.each([
    ['with a SQLite store', true],
    ['without a store', false],
    // Retried once, with a fresh app: the longest block is JSON.parse of the 1,000,000 objects (~345 ms
    // in a profile) and the garbage collection it sets off (~420 ms), in the app's first, cold delivery.
    // Alone it measures 570-800 ms against the 1,000 ms bound (Node 20 and 24); once in a CI run, with
    // other test files on the two cores, 1,086 ms. A retry that fails again fails the suite.
  ])('%s: answered within the bounds, and kept with a bounded list of issues', { timeout: 120_000, retry: 1 }, async (_name, store) => {
    const app = await startHostileApp({ store });
    const { body, headers, id } = emptySamples(1_000_000);
    expect(body.length).toBeGreaterThan(2_800_000);
    const outcome = await measureAttack(app, () => post(app.url('/webhooks/vital'), body, headers, 60_000));
    const facts = `status ${outcome.result.status}, blocked ${outcome.maxBlockMs.toFixed(0)} ms, grew ${mb(outcome.growthBytes)}, slowest ping ${outcome.slowestPingMs.toFixed(0)} ms`;
    expect(outcome.maxBlockMs, facts).toBeLessThan(BOUNDS.maxBlockMs);
    expect(outcome.growthBytes, facts).toBeLessThan(BOUNDS.maxGrowthBytes);
    expect(outcome.slowestPingMs, facts).toBeLessThan(BOUNDS.maxPingMs);
    expect(app.hasExited(), `the app crashed: ${app.stderr().slice(-500)}`).toBe(false);
    // Acknowledged, so the provider does not retry into the same work.
    expect(outcome.result.status, facts).toBe(204);
    await waitUntil(() => app.lines.some((line) => 'quarantined' in line || 'handled' in line), 20_000, () => app.stderr());
    if (store) {
      const { createSqliteStore } = await import('@wearhook/core/stores');
      const reader = await createSqliteStore({ filename: app.db! });
      try {
        const stored = await reader.get('vital', `vital:${id}`);
        expect(stored, 'kept, so a retry is recognised instead of validated again').toBeDefined();
        const issues = stored!.issues;
        const count = Array.isArray(issues) ? issues.length : Array.isArray((issues as { issues?: unknown })?.issues) ? (issues as { issues: unknown[] }).issues.length : 0;
        expect(count).toBeLessThanOrEqual(MAX_STORED_ISSUES);
      } finally {
        await reader.close();
      }
    }
  });
});
