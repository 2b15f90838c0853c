import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signStandardWebhooks } from '@wearhook/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInboxBaselines } from '../../bench/lib/inbox-baselines-app.js';
import { SECRETS } from '../../bench/lib/fixtures.js';
import { vitalDeliveryPool } from '../../bench/lib/inbox-deliveries.js';

// The inbox benchmark's baselines are what the example's figures are divided by: a baseline that does
// not start, or answers anything but 204 to the bench's own deliveries, would leave the ratios to
// nothing (it happened once: the bench failed, no test did). The same app the bench serves
// (`bench/children/inbox-baselines.ts` only listens), here in this process over a real socket.

let server: Server;
let port: number;
const printed: unknown[] = [];

beforeAll(async () => {
  const app = createInboxBaselines({
    vitalSecret: SECRETS.vital,
    printEvent: (event) => {
      printed.push(event);
      return Promise.resolve();
    },
  });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

async function post(path: string, delivery: { headers: Record<string, string>; body: Buffer }): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: delivery.headers, body: delivery.body });
  return response.status;
}

describe('the inbox benchmark baselines', () => {
  const pool = vitalDeliveryPool('baseline_test', 3);

  it('express.json() answers 204 to a bench delivery', async () => {
    expect(await post('/json', pool.delivery(0))).toBe(204);
  });

  it('the hand-written route verifies, parses and validates a bench delivery, answers 204 and prints its line', async () => {
    expect(await post('/handwritten', pool.delivery(1))).toBe(204);
    expect(printed).toContainEqual({ provider: 'vital', type: expect.any(String), deliveryKey: `vital:${pool.delivery(1).id}` });
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
