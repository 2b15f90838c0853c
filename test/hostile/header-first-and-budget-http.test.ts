// Issue 10, item 3 and D3 over real HTTP, against the hostile app in a child process:
// - what the headers alone decide is answered before the body is read (the sender stalls after 64 KiB
//   of a declared 16 MiB, and the answer must still come at once);
// - many concurrent large unauthenticated bodies stay within a bounded amount of memory: the shared
//   body budget answers 503 `too_many_bytes_in_flight` with Retry-After before buffering.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { setPriority } from 'node:os';
import { killAllApps, REPO_ROOT, sleep } from '../support/app-processes.js';
import { BOUNDS, mb, measureAttack, removeHostileDirs, startHostileApp, type HostileApp } from './support/hostile-app.js';
import { sendLarge } from './support/send-large.js';

const MiB = 1024 * 1024;
let app: HostileApp;

beforeAll(async () => {
  app = await startHostileApp();
}, 60_000);
afterAll(async () => {
  await killAllApps();
  removeHostileDirs();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const HEX = 'ab'.repeat(32);
const B64 = Buffer.alloc(32, 7).toString('base64');
const json = { 'content-type': 'application/json' };

function codeOf(result: { readonly body: string }): unknown {
  try {
    return (JSON.parse(result.body) as { error?: { code?: unknown } }).error?.code;
  } catch {
    return result.body;
  }
}

describe('header-first refusal (issue 10, item 3)', () => {
  const cases: [string, string, Record<string, string>, string][] = [
    ['Terra, t= outside the window', '/webhooks/terra', { 'terra-signature': `t=${nowSeconds() - 3600},v1=${HEX}` }, 'timestamp_out_of_tolerance'],
    ['Terra, no v1=', '/webhooks/terra', { 'terra-signature': `t=${nowSeconds()}` }, 'malformed_signature'],
    ['Terra, no signature header', '/webhooks/terra', {}, 'missing_signature'],
    ['Vital, timestamp outside the window', '/webhooks/vital', { 'svix-id': 'msg_x', 'svix-timestamp': String(nowSeconds() - 3600), 'svix-signature': `v1,${B64}` }, 'timestamp_out_of_tolerance'],
    ['Vital, malformed signature', '/webhooks/vital', { 'svix-id': 'msg_x', 'svix-timestamp': String(nowSeconds()), 'svix-signature': 'v1,not-base64!' }, 'malformed_signature'],
    ['Vital, timestamp not unix seconds', '/webhooks/vital', { 'svix-id': 'msg_x', 'svix-timestamp': 'hello', 'svix-signature': `v1,${B64}` }, 'invalid_timestamp'],
    ['Thryve, malformed signature', '/webhooks/thryve', { 'x-hmac-signature': 'zz' }, 'malformed_signature'],
    ['Thryve, timestamp two days old', '/webhooks/thryve', { 'x-hmac-signature': HEX, 'x-hmac-timestamp': String(nowSeconds() - 2 * 86_400) }, 'timestamp_out_of_tolerance'],
  ];

  it.each(cases)('%s: answered before the body arrives', async (_name, path, headers, code) => {
    // Declares 16 MiB, sends 64 KiB, then stalls: only a header-first refusal answers within a second.
    const result = await sendLarge(app.url(path), { ...json, ...headers }, 16 * MiB, { stallAfterBytes: 64 * 1024, timeoutMs: 15_000 });
    expect(codeOf(result), result.body).toBe(code);
    expect(result.status).toBe(401);
    expect(result.answeredAfterMs).toBeLessThan(1_000);
    expect(result.headers.connection).toBe('close');
  });

  it('closes the connection of a streaming body refused from its headers, so its sender cannot go on sending', async () => {
    // Kept alive, Node reads and discards the rest of a body to reach the next request, with none of
    // wearhook's limits: a refused sender streamed 200 MiB into it in half a second.
    const url = new URL(app.url('/webhooks/terra'));
    const socket = connect(Number(url.port), url.hostname);
    let response = '';
    let closed = false;
    socket.on('data', (data: Buffer) => (response += data.toString('latin1')));
    socket.on('close', () => (closed = true));
    socket.on('error', () => {});
    socket.write(`POST ${url.pathname} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    let sent = 0;
    const started = Date.now();
    while (!closed && sent < 64 * MiB && Date.now() - started < 10_000) {
      if (!socket.write(frame)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), sleep(500)]);
      sent += chunk.length;
    }
    socket.destroy();
    expect(closed, `${sent} bytes sent`).toBe(true);
    expect(sent).toBeLessThan(64 * MiB);
    // The answer itself may not reach a sender that is still writing: closing with its bytes unread,
    // the server's end resets the connection, and the reset can discard the answer on its way (seen on
    // Node 24). When it does arrive, it is the refusal, saying the connection closes.
    if (response !== '') {
      expect(response.split('\r\n')[0]).toBe('HTTP/1.1 401 Unauthorized');
      expect(response.toLowerCase()).toContain('connection: close');
    }
  });
});

describe('D3: a flood of large unauthenticated bodies (issue 10, item 3)', () => {
  // fixtures/flood.ts signs well-formed, fresh and wrong: only the body can tell, so each body must be
  // read before its 401.

  it.each([
    ['declared lengths (128 x 16 MiB)', 128, false],
    ['chunked bodies (64 x 16 MiB, no Content-Length)', 64, true],
    // Retried: on this 2-core machine the flood client, the app and the test share the cores, and the
    // slowest fresh-connection ping went over 1 s in about 1 run of 3 (up to 2.9 s) while the memory and
    // event-loop bounds held every time; the attacker now runs at the lowest priority (see `flood`). A
    // retry that fails again fails the suite.
  ])('%s stay within the memory bound', { timeout: 120_000, retry: 2 }, async (_name, count, chunked) => {
    const outcome = await measureAttack(app, () => flood(app.url('/webhooks/terra'), count, 16 * MiB, chunked));
    const codes = outcome.result.map((result) => codeOf(result));
    const facts = `blocked ${outcome.maxBlockMs.toFixed(0)} ms, grew ${mb(outcome.growthBytes)}, slowest ping ${outcome.slowestPingMs.toFixed(0)} ms; codes ${JSON.stringify(countBy(codes))}`;
    expect(outcome.growthBytes, facts).toBeLessThan(BOUNDS.maxGrowthBytes);
    expect(outcome.maxBlockMs, facts).toBeLessThan(BOUNDS.maxBlockMs);
    expect(outcome.slowestPingMs, facts).toBeLessThan(BOUNDS.maxPingMs);
    // Every request is answered: 401 once read, 503 with Retry-After before being buffered, or 408 when
    // the flood itself slows the upload past bodyTimeoutMs. A chunked sender still writing when its 503
    // (with Connection: close) arrives may see the socket closed under it (EPIPE, ECONNRESET) before it
    // reads the answer: refused before buffering all the same. So may a sender with a declared length
    // that is refused by it (seen in CI: 59-77 of 128).
    const refusedMidUpload = ['write EPIPE', 'read ECONNRESET', 'write ECONNRESET'];
    for (const result of outcome.result) {
      expect(['invalid_signature', 'too_many_bytes_in_flight', 'body_timeout', ...refusedMidUpload], facts).toContain(codeOf(result));
      if (codeOf(result) === 'too_many_bytes_in_flight') {
        expect(result.status).toBe(503);
        expect(Number(result.retryAfter)).toBeGreaterThan(0);
      }
    }
    expect(codes.filter((code) => code === 'too_many_bytes_in_flight').length, facts).toBeGreaterThan(0);
  });

  it('the budget is released on every path: a genuine delivery is accepted afterwards', async () => {
    const { terraTestDelivery } = await import('@wearhook/core/testing');
    const { body, headers } = terraTestDelivery('activity', { secret: 'process-terra-secret' });
    const result = await sendLargeBuffer(app.url('/webhooks/terra'), body, headers);
    expect(result).toBe(204);
  });
});

interface FloodResult {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: string;
}

/** Runs fixtures/flood.ts in a child process and returns its results. */
function flood(url: string, count: number, bytes: number, chunked: boolean): Promise<FloodResult[]> {
  return new Promise((resolve, reject) => {
    const attacker = execFile(
      process.execPath,
      ['--import', 'tsx', 'test/hostile/fixtures/flood.ts', url, String(count), String(bytes), chunked ? '1' : '0'],
      { cwd: REPO_ROOT, env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 64 * 1024 * 1024, timeout: 110_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`flood failed: ${stderr}`, { cause: error })) : resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as FloodResult[])),
    );
    // A real attacker pumps its gigabytes on its own machine. Here it shares two cores with the app and
    // the pinger, and at normal priority its CPU made the fresh-connection ping miss 1 s in about one
    // run of three, which measured the test rig rather than wearhook. At the lowest priority it still
    // floods as fast as the spare CPU allows.
    if (attacker.pid !== undefined) setPriority(attacker.pid, 19);
  });
}

function countBy(values: readonly unknown[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[String(value)] = (counts[String(value)] ?? 0) + 1;
  return counts;
}

async function sendLargeBuffer(url: string, body: Buffer, headers: Record<string, string>): Promise<number> {
  const { post } = await import('../support/app-processes.js');
  return (await post(url, body, headers)).status;
}
