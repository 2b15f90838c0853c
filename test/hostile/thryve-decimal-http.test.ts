// Issue 10, D2 over real HTTP: a signed Thryve data push whose point value is 100,000 digits and a
// letter. Before the fix, the decimal regex took 8–12 s on it, blocking the event loop (and, with a
// store, the delivery's own acknowledgement). Bounds: loop blocked < 1 s, growth < 300 MB, /ping < 1 s.
import { thryveSamples, thryveTestDelivery } from '@wearhook/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllApps, post, waitUntil } from '../support/app-processes.js';
import { BOUNDS, mb, measureAttack, removeHostileDirs, startHostileApp } from './support/hostile-app.js';

afterAll(async () => {
  await killAllApps();
  removeHostileDirs();
});

function hostileThryvePush(digits: number): { body: Buffer; headers: Record<string, string> } {
  const payload = thryveSamples['event.data.epoch.create']() as unknown as { data: { epochData: { value: unknown }[] } };
  payload.data.epochData[0]!.value = `${'1'.repeat(digits)}x`;
  return thryveTestDelivery('event.data.epoch.create', { secret: 'process-thryve-secret', payload: payload as never });
}

describe.each([
  ['without a store (handlers before the ack)', false],
  ['with a SQLite store (worker after the ack)', true],
])('D2: a 100,000-digit Thryve value, %s', (_name, store) => {
  it('is handled within the bounds', async () => {
    const app = await startHostileApp({ store });
    // A normal delivery first: the first one pays for loading validators and the store.
    const warm = thryveTestDelivery('event.data.epoch.create', { secret: 'process-thryve-secret' });
    expect((await post(app.url('/webhooks/thryve'), warm.body, warm.headers)).status).toBe(204);
    await waitUntil(() => app.lines.some((line) => 'handled' in line), 20_000, () => app.stderr());

    const { body, headers } = hostileThryvePush(100_000);
    const handledBefore = app.lines.filter((line) => 'handled' in line).length;
    const outcome = await measureAttack(app, async () => {
      const response = await post(app.url('/webhooks/thryve'), body, headers, 60_000);
      // With a store the point values are read by the worker, after the acknowledgement.
      await waitUntil(() => app.lines.filter((line) => 'handled' in line).length > handledBefore, 60_000, () => app.stderr());
      return response;
    });
    expect(outcome.result.status, outcome.result.body).toBe(204);
    const facts = `blocked ${outcome.maxBlockMs.toFixed(0)} ms, grew ${mb(outcome.growthBytes)}, slowest ping ${outcome.slowestPingMs.toFixed(0)} ms`;
    expect(outcome.maxBlockMs, facts).toBeLessThan(BOUNDS.maxBlockMs);
    expect(outcome.growthBytes, facts).toBeLessThan(BOUNDS.maxGrowthBytes);
    expect(outcome.slowestPingMs, facts).toBeLessThan(BOUNDS.maxPingMs);
    const handled = app.lines.filter((line) => 'handled' in line).at(-1) as { handled: { points: number } };
    const sample = thryveSamples['event.data.epoch.create']() as unknown as { data: { epochData: unknown[] } };
    expect(handled.handled.points).toBe(sample.data.epochData.length);
  }, 120_000);
});
