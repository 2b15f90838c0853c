// Issue 10 D5, D6 and D8 over real HTTP, against the hostile app with a SQLite store in a child process:
// what is acknowledged is handled (never dead for its shape), replays are not dispatched twice, nobody
// without the secret can suppress a genuine delivery, and every stored label is the one that was sent.
import { createHash, randomUUID } from 'node:crypto';
import { signStandardWebhooks, terraSamples, terraTestDelivery, vitalSamples, vitalTestDelivery } from '@wearhook/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllApps, post, sleep, waitUntil } from '../support/app-processes.js';
import { removeHostileDirs, startHostileApp, type HostileApp } from './support/hostile-app.js';

const TERRA_SECRET = 'process-terra-secret';
const VITAL_SECRET = 'whsec_cHJvY2Vzcy12aXRhbC1zZWNyZXQ=';
let app: HostileApp;

beforeAll(async () => {
  app = await startHostileApp({ store: true });
}, 60_000);
afterAll(async () => {
  await killAllApps();
  removeHostileDirs();
});

type Line = Record<string, { provider: string; type: string; deliveryKey: string; code?: string; message?: string }>;
const lines = () => app.lines as unknown as Line[];
const handledKeys = () => lines().flatMap((line) => (line.handled ? [line.handled.deliveryKey] : []));
const errorsOf = (phase: string) => lines().flatMap((line) => (line.error && (line.error as unknown as { phase: string }).phase === phase ? [line.error] : []));
const codeOf = (body: string): unknown => (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;

/** A Vital sleep summary of its own (fresh `data.id`), with `extra` merged into `data`. */
function vitalSleep(extra: Record<string, unknown> = {}, eventType?: string): { body: Buffer; headers: Record<string, string>; id: string } {
  const sample = vitalSamples['daily.data.sleep.created']();
  const payload = { ...sample, ...(eventType === undefined ? {} : { event_type: eventType }), data: { ...sample.data, id: randomUUID(), ...extra } };
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  return { ...vitalTestDelivery('daily.data.sleep.created', { secret: VITAL_SECRET, id, payload: payload as never }), id };
}

/** A body nested `depth` arrays deep, as JSON text, without recursion. */
function nestedArrayJson(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** A Vital delivery signed over the JSON text as given: for shapes JSON.stringify cannot build. */
function vitalRaw(json: string): { body: Buffer; headers: Record<string, string>; id: string } {
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  const t = Math.floor(Date.now() / 1000);
  const body = Buffer.from(json, 'utf8');
  return { body, headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(t), 'svix-signature': signStandardWebhooks(VITAL_SECRET, id, t, body) }, id };
}

describe('D5: nothing acknowledged fails forever because of its shape', () => {
  it('a 100,000-deep array in an unread field is refused at receipt with 400 too_deeply_nested, not acknowledged', async () => {
    const sample = vitalSamples['daily.data.sleep.created']();
    const summaryJson = JSON.stringify({ ...sample, data: { ...sample.data, id: randomUUID(), unread: '@@NESTED@@' } });
    const { body, headers, id } = vitalRaw(summaryJson.replace('"@@NESTED@@"', nestedArrayJson(100_000)));
    const response = await post(app.url('/webhooks/vital'), body, headers);
    expect(response.status, response.body).toBe(400);
    expect(codeOf(response.body)).toBe('too_deeply_nested');
    await sleep(500);
    expect(errorsOf('dispatch'), 'no dispatch failure').toEqual([]);
    expect(handledKeys()).not.toContain(`vital:${id}`);
  });

  it('the same field nested 100 deep (below the maximum of 128) is acknowledged and handled, not dead', async () => {
    const sample = vitalSamples['daily.data.sleep.created']();
    const summaryJson = JSON.stringify({ ...sample, data: { ...sample.data, id: randomUUID(), unread: '@@NESTED@@' } });
    const { body, headers, id } = vitalRaw(summaryJson.replace('"@@NESTED@@"', nestedArrayJson(100)));
    const response = await post(app.url('/webhooks/vital'), body, headers);
    expect(response.status, response.body).toBe(204);
    await waitUntil(() => handledKeys().includes(`vital:${id}`), 20_000, () => JSON.stringify(lines().slice(-5)));
  });
});

describe('D6: Terra deduplication cannot be replayed or pre-empted without the secret', () => {
  function terraActivity(): ReturnType<typeof terraSamples.activity> {
    const sample = terraSamples.activity();
    const item = { ...sample.data[0]!, metadata: { ...sample.data[0]!.metadata, summary_id: randomUUID() } };
    return { ...sample, data: [item] };
  }
  const bodyKey = (body: Buffer) => `terra:sha256:${createHash('sha256').update(body).digest('hex')}`;

  it('a captured delivery resent under a fresh trace id is a duplicate: handled once', async () => {
    const original = terraTestDelivery('activity', { secret: TERRA_SECRET, traceId: randomUUID(), payload: terraActivity() });
    expect((await post(app.url('/webhooks/terra'), original.body, original.headers)).status).toBe(204);
    await waitUntil(() => handledKeys().includes(bodyKey(original.body)), 20_000, () => app.stderr());
    // The attacker replays the same signed bytes and signature header within the window, new ids each time.
    for (let i = 0; i < 3; i++) {
      const replay = await post(app.url('/webhooks/terra'), original.body, { ...original.headers, 'x-terra-trace-id': randomUUID() });
      expect(replay.status).toBe(204);
    }
    await sleep(1_000);
    expect(handledKeys().filter((key) => key === bodyKey(original.body))).toHaveLength(1);
  });

  it("a captured body sent first under a genuine delivery's trace id does not suppress that delivery", async () => {
    const captured = terraTestDelivery('activity', { secret: TERRA_SECRET, traceId: randomUUID(), payload: terraActivity() });
    expect((await post(app.url('/webhooks/terra'), captured.body, captured.headers)).status).toBe(204);
    const upcomingTraceId = randomUUID();
    // Pre-emption: the captured bytes under the trace id the genuine delivery will carry.
    expect((await post(app.url('/webhooks/terra'), captured.body, { ...captured.headers, 'x-terra-trace-id': upcomingTraceId })).status).toBe(204);
    const genuine = terraTestDelivery('activity', { secret: TERRA_SECRET, traceId: upcomingTraceId, payload: terraActivity() });
    expect((await post(app.url('/webhooks/terra'), genuine.body, genuine.headers)).status).toBe(204);
    await waitUntil(() => handledKeys().includes(bodyKey(genuine.body)), 20_000, () => JSON.stringify(lines().slice(-5)));
    expect(handledKeys().filter((key) => key === bodyKey(captured.body))).toHaveLength(1);
  });
});

describe('D8: every stored label is the one that was sent, or the delivery is refused', () => {
  it.each([
    ['a NUL escape', 'daily.data.sleep.created\u0000evil'],
    ['a control character', 'daily.data.sleep.created\u001b[31m'],
    ['a lone surrogate', 'daily.data.sleep.created\ud800'],
    ['more than 256 characters', `daily.data.${'x'.repeat(300)}.created`],
  ])('an event type with %s is refused at receipt with 400 invalid_label', async (_name, eventType) => {
    const { body, headers, id } = vitalSleep({}, eventType);
    const response = await post(app.url('/webhooks/vital'), body, headers);
    expect(response.status, response.body).toBe(400);
    expect(codeOf(response.body)).toBe('invalid_label');
    await sleep(300);
    expect(lines().some((line) => line.quarantined?.deliveryKey === `vital:${id}` || line.handled?.deliveryKey === `vital:${id}`)).toBe(false);
  });

  it('an unknown but clean event type is stored (quarantined) exactly as sent', async () => {
    const { body, headers, id } = vitalSleep({}, 'daily.data.sleep.created.v2-ÄÖ-😀');
    expect((await post(app.url('/webhooks/vital'), body, headers)).status).toBe(204);
    await waitUntil(() => lines().some((line) => line.quarantined?.deliveryKey === `vital:${id}`), 10_000, () => app.stderr());
    const { createSqliteStore } = await import('@wearhook/core/stores');
    const store = await createSqliteStore({ filename: app.db! });
    try {
      const stored = await store.get('vital', `vital:${id}`);
      expect(stored?.eventType).toBe('daily.data.sleep.created.v2-ÄÖ-😀');
    } finally {
      await store.close();
    }
  });
});
