import { createHash, createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terraSamples, vitalSamples } from '@wearhook/core/testing';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllApps, post, sleep, startApp, waitUntil, type AppProcess, type PostResult } from '../support/app-processes.js';
import { THRYVE_SECRET, thryveDelivery } from '../support/thryve-delivery.js';

// The "Runnable examples" contract of design.md, and issue 3's "Done when": each example app, started
// as its own process the way `pnpm --dir examples/<app> start` starts it (tsx, workspace sources),
// serves the three webhook routes on PORT with secrets from the environment and a SQLite inbox from
// WEARHOOK_DB, and prints one JSON line per handled event. Deliveries are made independently of the
// code under test: Thryve's compressed by the zstd tool and signed by openssl, Terra's signed with
// node:crypto exactly as Terra documents, Vital's signed by the svix package's own signer.

const TERRA_SECRET = 'example-terra-signing-secret';
const VITAL_SECRET = `whsec_${Buffer.from('example-vital-webhook-secret-32b').toString('base64')}`;
const TOLERANCE_SECONDS = 300;

const EXAMPLES = [
  { name: 'Express', script: 'examples/express-app/src/server.ts' },
  { name: 'Koa', script: 'examples/koa-app/src/server.ts' },
] as const;

const dirs: string[] = [];
afterAll(async () => {
  await killAllApps();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Sent {
  readonly path: string;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
  /** The delivery key the app must print: derived here from the provider's documented rule. */
  readonly deliveryKey: string;
}

/** Thryve: the JSON compressed by the `zstd` tool, HMAC by `openssl` over the bytes sent plus the timestamp. */
function thryveEpoch(endUserId: string): Sent {
  const payload = {
    endUserId,
    timestampType: 'ISO',
    type: 'event.data.epoch.create',
    data: {
      dataSourceId: 5,
      epochData: [
        {
          startTimestamp: '2024-05-01T10:00:00Z',
          endTimestamp: '2024-05-01T10:01:00Z',
          dataTypeId: 1000,
          value: '61',
          additionalDetails: { creationTimestamp: '2024-05-01T10:02:00Z', thirdPartyDataSourceId: 1, generationType: 'AUTOMATED_MEASUREMENT' },
        },
      ],
    },
  };
  const { body, headers } = thryveDelivery(payload);
  expect(headers['content-encoding']).toBe('zstd');
  const key = `thryve:sha256:${createHash('sha256').update(JSON.stringify(payload)).digest('hex')}`;
  return { path: '/webhooks/thryve', body, headers, deliveryKey: key };
}

/** Terra, as documented: `terra-signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
function terraSigned(body: Buffer, traceId: string, t: number, secret = TERRA_SECRET): Sent {
  const v1 = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
  return {
    path: '/webhooks/terra',
    body,
    headers: { 'content-type': 'application/json', 'terra-signature': `t=${t},v1=${v1}`, 'x-terra-trace-id': traceId },
    // hostile (issue 10, D6): Terra's key is the body's SHA-256; the unsigned trace id is not used.
    deliveryKey: `terra:sha256:${createHash('sha256').update(body).digest('hex')}`,
  };
}

function terraSleepBody(userId: string): Buffer {
  const sample = terraSamples.sleep();
  return Buffer.from(JSON.stringify({ ...sample, user: { ...sample.user, user_id: userId } }));
}

/** Vital: signed by svix's own `Webhook#sign`, the headers Svix sends. */
function vitalSigned(body: Buffer, msgId: string, at: Date): Sent {
  const signature = new Webhook(VITAL_SECRET).sign(msgId, at, body.toString('utf8'));
  return {
    path: '/webhooks/vital',
    body,
    headers: {
      'content-type': 'application/json',
      'svix-id': msgId,
      'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
      'svix-signature': signature,
    },
    deliveryKey: `vital:${msgId}`,
  };
}

function vitalSleepBody(summaryId: string): Buffer {
  const sample = vitalSamples['daily.data.sleep.created']();
  return Buffer.from(JSON.stringify({ ...sample, data: { ...sample.data, id: summaryId } }));
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The apps compare whole seconds. Starting right after a second begins leaves the request the rest of
 * that second to arrive, so "301 s ahead" is still 301 s ahead when the app reads its clock.
 */
async function earlyInSecond(): Promise<void> {
  const ms = Date.now() % 1000;
  if (ms > 500) await sleep(1000 - ms + 5);
}

function expectRefused(response: PostResult, code: string): void {
  expect(response.status, response.body).toBe(401);
  expect(JSON.parse(response.body)).toMatchObject({ error: { code } });
}

describe.each(EXAMPLES)('the $name example app as a process', ({ name, script }) => {
  let app: AppProcess;
  const accepted: { provider: string; type: string; deliveryKey: string }[] = [];
  const refusedKeys: string[] = [];

  const send = (sent: Sent) => post(app.url(sent.path), sent.body, sent.headers);
  const linesFor = (key: string) => app.lines.filter((line) => line.deliveryKey === key);
  /** Waits for the app's line for `key`, then a little longer, and returns every line for it. */
  const settledLinesFor = async (key: string) => {
    await waitUntil(() => linesFor(key).length > 0, 10_000, () => `no line for ${key}; stderr:\n${app.stderr()}`);
    await sleep(300);
    return linesFor(key);
  };

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wearhook-example-'));
    dirs.push(dir);
    app = await startApp({
      name: `${name} example`,
      script,
      env: {
        THRYVE_HMAC_SECRET: THRYVE_SECRET,
        TERRA_SIGNING_SECRET: TERRA_SECRET,
        VITAL_WEBHOOK_SECRET: VITAL_SECRET,
        WEARHOOK_DB: join(dir, 'wearhook.db'),
        DATABASE_URL: undefined,
      },
    });
  }, 60_000);

  it('accepts a zstd Thryve epoch delivery made by the zstd tool and signed by openssl, and prints its event once', async () => {
    const sent = thryveEpoch(`example-${name}-user`);
    const response = await send(sent);
    expect(response.status, response.body).toBe(204);
    expect(await settledLinesFor(sent.deliveryKey)).toEqual([{ provider: 'thryve', type: 'event.data.epoch.create', deliveryKey: sent.deliveryKey }]);
    accepted.push({ provider: 'thryve', type: 'event.data.epoch.create', deliveryKey: sent.deliveryKey });
  });

  it('accepts a Terra delivery signed exactly as Terra documents, and prints its event once', async () => {
    const sent = terraSigned(terraSleepBody(`terra-${name}`), randomUUID(), nowSeconds());
    const response = await send(sent);
    expect(response.status, response.body).toBe(204);
    expect(await settledLinesFor(sent.deliveryKey)).toEqual([{ provider: 'terra', type: 'sleep', deliveryKey: sent.deliveryKey }]);
    accepted.push({ provider: 'terra', type: 'sleep', deliveryKey: sent.deliveryKey });
  });

  it("accepts a Vital delivery signed by the svix package's own signer, and prints its event once", async () => {
    const sent = vitalSigned(vitalSleepBody(randomUUID()), `msg_${randomUUID()}`, new Date());
    const response = await send(sent);
    expect(response.status, response.body).toBe(204);
    expect(await settledLinesFor(sent.deliveryKey)).toEqual([{ provider: 'vital', type: 'daily.data.sleep.created', deliveryKey: sent.deliveryKey }]);
    accepted.push({ provider: 'vital', type: 'daily.data.sleep.created', deliveryKey: sent.deliveryKey });
  });

  it('answers 401 to tampered deliveries of every provider', async () => {
    // Thryve: another body under the first one's headers (both made by the CLI tools).
    const original = thryveEpoch(`tamper-${name}-a`);
    const other = thryveEpoch(`tamper-${name}-b`);
    expectRefused(await send({ ...other, headers: original.headers }), 'invalid_signature');
    refusedKeys.push(other.deliveryKey);

    const terra = terraSigned(terraSleepBody(`terra-tamper-${name}`), randomUUID(), nowSeconds());
    const terraBody = Buffer.from(terra.body.toString('utf8').replace(`terra-tamper-${name}`, `terra-tampered-${name}`));
    expectRefused(await send({ ...terra, body: terraBody }), 'invalid_signature');
    refusedKeys.push(terra.deliveryKey);

    const vital = vitalSigned(vitalSleepBody(randomUUID()), `msg_${randomUUID()}`, new Date());
    const vitalBody = Buffer.from(vital.body.toString('utf8').replace('"score":84', '"score":99'));
    expect(vitalBody.equals(vital.body)).toBe(false);
    expectRefused(await send({ ...vital, body: vitalBody }), 'invalid_signature');
    refusedKeys.push(vital.deliveryKey);
  });

  it('answers 401 to Terra and Vital deliveries signed more than 300 s ago', async () => {
    const terra = terraSigned(terraSleepBody(`terra-stale-${name}`), randomUUID(), nowSeconds() - TOLERANCE_SECONDS - 1);
    expectRefused(await send(terra), 'timestamp_out_of_tolerance');
    refusedKeys.push(terra.deliveryKey);

    const vital = vitalSigned(vitalSleepBody(randomUUID()), `msg_${randomUUID()}`, new Date((nowSeconds() - TOLERANCE_SECONDS - 1) * 1000));
    expectRefused(await send(vital), 'timestamp_out_of_tolerance');
    refusedKeys.push(vital.deliveryKey);
  });

  it('answers 401 to Terra and Vital deliveries dated 301 s in the future', async () => {
    await earlyInSecond();
    const terra = terraSigned(terraSleepBody(`terra-future-${name}`), randomUUID(), nowSeconds() + TOLERANCE_SECONDS + 1);
    expectRefused(await send(terra), 'timestamp_out_of_tolerance');
    refusedKeys.push(terra.deliveryKey);

    await earlyInSecond();
    const vital = vitalSigned(vitalSleepBody(randomUUID()), `msg_${randomUUID()}`, new Date((nowSeconds() + TOLERANCE_SECONDS + 1) * 1000));
    expectRefused(await send(vital), 'timestamp_out_of_tolerance');
    refusedKeys.push(vital.deliveryKey);
  });

  it('acknowledges retries of delivered events with 204 and prints no second line', async () => {
    // Retries as the providers send them: Thryve the same bytes, Terra the same trace id and Svix the
    // same message id, each signed anew.
    const thryve = thryveEpoch(`retry-${name}`);
    const terraBody = terraSleepBody(`terra-retry-${name}`);
    const traceId = randomUUID();
    const vitalBody = vitalSleepBody(randomUUID());
    const msgId = `msg_${randomUUID()}`;
    const first = [thryve, terraSigned(terraBody, traceId, nowSeconds()), vitalSigned(vitalBody, msgId, new Date())];
    for (const sent of first) expect((await send(sent)).status).toBe(204);
    for (const sent of first) await settledLinesFor(sent.deliveryKey);

    await sleep(1100); // a new second: the retries carry other timestamps and signatures
    const retries = [thryveEpoch(`retry-${name}`), terraSigned(terraBody, traceId, nowSeconds()), vitalSigned(vitalBody, msgId, new Date())];
    for (const [i, sent] of retries.entries()) {
      expect(sent.deliveryKey).toBe(first[i]!.deliveryKey);
      const response = await send(sent);
      expect(response.status, response.body).toBe(204);
    }
    // The examples' workers poll every second: give a wrongly stored retry time to show up.
    await sleep(1500);
    for (const sent of first) expect(linesFor(sent.deliveryKey), sent.deliveryKey).toHaveLength(1);
    accepted.push(
      { provider: 'thryve', type: 'event.data.epoch.create', deliveryKey: thryve.deliveryKey },
      { provider: 'terra', type: 'sleep', deliveryKey: first[1]!.deliveryKey },
      { provider: 'vital', type: 'daily.data.sleep.created', deliveryKey: first[2]!.deliveryKey },
    );
  });

  it('printed exactly one line per accepted delivery and none for refused ones, and stops on SIGTERM with exit code 0', async () => {
    expect(accepted).toHaveLength(6);
    for (const key of refusedKeys) expect(linesFor(key), key).toEqual([]);
    expect(app.lines).toHaveLength(accepted.length);
    expect(new Set(app.lines.map((line) => line.deliveryKey)).size).toBe(app.lines.length);
    expect(await app.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
