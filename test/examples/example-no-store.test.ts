import { vitalSamples } from '@wearhook/core/testing';
import { Webhook } from 'svix';
import { afterAll, describe, expect, it } from 'vitest';
import { killAllApps, post, startApp } from '../support/app-processes.js';

// `WEARHOOK_DB=none`, the examples' configuration without a store (the benchmarks' no-store subject):
// the handler runs before the 204, so the event's line is printed by the time the delivery is
// acknowledged; nothing is stored, so a retry is handled again; SIGTERM still exits cleanly (there is
// no store to close).

const VITAL_SECRET = `whsec_${Buffer.from('example-vital-webhook-secret-32b').toString('base64')}`;

const EXAMPLES = [
  { name: 'Express', script: 'examples/express-app/src/server.ts' },
  { name: 'Koa', script: 'examples/koa-app/src/server.ts' },
] as const;

afterAll(() => killAllApps());

function vitalDelivery(msgId: string): { body: Buffer; headers: Record<string, string> } {
  const body = Buffer.from(JSON.stringify(vitalSamples['daily.data.sleep.created']()));
  const at = new Date();
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'svix-id': msgId,
      'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
      'svix-signature': new Webhook(VITAL_SECRET).sign(msgId, at, body.toString('utf8')),
    },
  };
}

describe.each(EXAMPLES)('the $name example app with WEARHOOK_DB=none', ({ name, script }) => {
  it('handles each delivery before its 204, handles a retry again, and exits 0 on SIGTERM', async () => {
    const app = await startApp({ name: `${name} example (no store)`, script, env: { VITAL_WEBHOOK_SECRET: VITAL_SECRET, WEARHOOK_DB: 'none', DATABASE_URL: undefined } });
    const key = `vital:msg_no_store_${name}`;
    const { body, headers } = vitalDelivery(`msg_no_store_${name}`);

    const first = await post(app.url('/webhooks/vital'), body, headers);
    expect(first.status, first.body).toBe(204);
    // Handled before the acknowledgement: the line may still be in the pipe, but it was written.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.lines.filter((line) => line.deliveryKey === key)).toHaveLength(1);

    const retry = await post(app.url('/webhooks/vital'), body, headers);
    expect(retry.status, retry.body).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.lines.filter((line) => line.deliveryKey === key)).toHaveLength(2);

    expect(app.stderr()).toContain('store: none');
    expect(await app.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 90_000);
});
