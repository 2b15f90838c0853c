import { signStandardWebhooks } from '@wearhook/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServerProcess, type ServerProcess } from '../../bench/lib/app-process.js';
import { benchPath, REPO_DIR, tsNodeArgs } from '../../bench/lib/child.js';
import { SECRETS } from '../../bench/lib/fixtures.js';
import { APP_SECRET_ENV, vitalDeliveryPool } from '../../bench/lib/inbox-deliveries.js';

// The inbox benchmark's baselines are what the example's figures are divided by: a baseline that does
// not start, or answers anything but 204 to the bench's own deliveries, would leave the ratios to
// nothing (it happened once: the bench failed, no test did). Started exactly as the bench starts it.

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({
    name: 'baselines',
    command: [process.execPath, ...tsNodeArgs(benchPath('children', 'inbox-baselines.ts'))],
    cwd: REPO_DIR,
    env: APP_SECRET_ENV,
    appScript: 'inbox-baselines.ts',
    port: await freePort(),
    // A cold tsx start competes with the rest of the suite for two cores: in CI's Node 24 pass it took
    // over a minute (alone, under a second). startServerProcess's own deadline comes first, with stderr.
    readyTimeoutMs: 120_000,
  });
}, 150_000);

afterAll(async () => {
  await server?.stop();
});

async function post(path: string, delivery: { headers: Record<string, string>; body: Buffer }): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { method: 'POST', headers: delivery.headers, body: delivery.body });
  return response.status;
}

describe('the inbox benchmark baselines', () => {
  const pool = vitalDeliveryPool('baseline_test', 3);

  it('express.json() answers 204 to a bench delivery', async () => {
    expect(await post('/json', pool.delivery(0))).toBe(204);
  });

  it('the hand-written route verifies, parses and validates a bench delivery, answers 204 and prints its line', async () => {
    expect(await post('/handwritten', pool.delivery(1))).toBe(204);
    await expect.poll(() => (server.readOutput(), server.handled.has(`vital:${pool.delivery(1).id}`)), { timeout: 5000 }).toBe(true);
  });

  it('the hand-written route refuses a delivery whose signature does not match (401) and one its gate refuses (422)', async () => {
    const { headers, body } = pool.delivery(2);
    expect(await post('/handwritten', { headers, body: Buffer.concat([body, Buffer.from(' ')]) })).toBe(401);
    // Signed as the pool's are, for a body without what the gate needs.
    const bad = Buffer.from(JSON.stringify({ event_type: 'daily.data.heartrate.created', data: {} }));
    const id = 'msg_baseline_test_gate';
    const timestamp = Math.floor(Date.now() / 1000);
    const signed = { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(timestamp), 'svix-signature': signStandardWebhooks(SECRETS.vital, id, timestamp, bad) };
    expect(await post('/handwritten', { headers: signed, body: bad })).toBe(422);
  });
});
