// Issue 10, item 3: the process-wide body budget, over a real HTTP server in this process. Every path a
// read can end on gives its bytes back: complete, too large, timed out, aborted by the sender, refused
// by the budget itself (declared length or chunked).
import { createServer, request, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyBudget } from '../../packages/core/src/body/body-budget.js';
import { DEFAULT_BODY_LIMITS, type BodyLimits } from '../../packages/core/src/body/limits.js';
import { readBody } from '../../packages/core/src/body/read-body.js';
import { isWebhookError } from '../../packages/core/src/errors/webhook-error.js';
import { errorResponse } from '../../packages/core/src/http/error-response.js';
import { sleep } from '../support/app-processes.js';
import { sendLarge } from './support/send-large.js';

const KiB = 1024;
let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A server that reads each body with `limits` and answers 204 or the error's response; records the codes. */
async function serve(limits: Partial<BodyLimits>): Promise<{ url: string; codes: string[] }> {
  const codes: string[] = [];
  server = createServer((req, res) => {
    readBody({ kind: 'stream', stream: req }, req.headers, { ...DEFAULT_BODY_LIMITS, ...limits }).then(
      () => {
        codes.push('ok');
        res.writeHead(204).end();
      },
      (error: unknown) => {
        if (!isWebhookError(error)) throw error;
        codes.push(error.code);
        const response = errorResponse(error);
        res.writeHead(response.status, response.headers).end(response.body);
      },
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`, codes };
}

async function expectReleased(budget: BodyBudget): Promise<void> {
  for (let i = 0; i < 40 && budget.inFlight !== 0; i++) await sleep(25);
  expect(budget.inFlight).toBe(0);
}

describe('BodyBudget over HTTP', () => {
  it('a complete body is admitted and released (declared and chunked)', async () => {
    const budget = new BodyBudget(1024 * KiB);
    const { url, codes } = await serve({ bodyBudget: budget });
    expect((await sendLarge(url, {}, 512 * KiB)).status).toBe(204);
    expect((await sendLarge(url, {}, 512 * KiB, { chunked: true })).status).toBe(204);
    expect(codes).toEqual(['ok', 'ok']);
    await expectReleased(budget);
  });

  it('a declared body that grows past the room left is refused with 503, Retry-After and Connection: close', async () => {
    const budget = new BodyBudget(256 * KiB);
    const { url } = await serve({ bodyBudget: budget });
    const result = await sendLarge(url, {}, 512 * KiB);
    expect(result.status).toBe(503);
    expect(JSON.parse(result.body)).toMatchObject({ error: { code: 'too_many_bytes_in_flight' } });
    expect(result.headers['retry-after']).toBe('5');
    expect(result.headers.connection).toBe('close');
    await expectReleased(budget);
  });

  it('a chunked body that grows past the budget is refused mid-way and released', async () => {
    const budget = new BodyBudget(256 * KiB);
    const { url, codes } = await serve({ bodyBudget: budget });
    const result = await sendLarge(url, {}, 4096 * KiB, { chunked: true });
    expect(result.status).toBe(503);
    expect(codes).toEqual(['too_many_bytes_in_flight']);
    await expectReleased(budget);
    expect((await sendLarge(url, {}, 128 * KiB, { chunked: true })).status).toBe(204);
  });

  it('readers share one budget: while one holds the room, another is refused', async () => {
    const budget = new BodyBudget(600 * KiB);
    const { url } = await serve({ bodyBudget: budget });
    const first = sendLarge(url, {}, 512 * KiB, { stallAfterBytes: 448 * KiB, timeoutMs: 3_000 });
    for (let i = 0; i < 40 && budget.inFlight < 448 * KiB; i++) await sleep(25);
    expect(budget.inFlight).toBe(448 * KiB);
    const second = await sendLarge(url, {}, 512 * KiB);
    expect(second.status).toBe(503);
    await first.catch(() => {});
  });

  it('a declared length that stops arriving holds no room: idle senders cannot take the budget', async () => {
    const budget = new BodyBudget(1024 * KiB);
    const { url, codes } = await serve({ bodyBudget: budget, bodyTimeoutMs: 2_000 });
    // Headers declaring 256 KiB each, then nothing. Together they fill the budget, and while they could
    // still be arriving a newcomer does not fit; reserving declared lengths up front (as this once did)
    // kept it that way for the whole body timeout.
    const idle = Array.from({ length: 4 }, () => sendLarge(url, {}, 256 * KiB, { stallAfterBytes: 0, timeoutMs: 5_000 }));
    await sleep(100);
    expect((await sendLarge(url, {}, 128 * KiB)).status).toBe(503);
    // Past 64 KiB behind an even pace (256 KiB in 2 s: after 0.5 s), they count no more.
    await sleep(600);
    expect(budget.inFlight).toBe(0);
    expect((await sendLarge(url, {}, 128 * KiB)).status).toBe(204);
    expect(codes).toEqual(['too_many_bytes_in_flight', 'ok']);
    for (const result of await Promise.all(idle)) expect(result.status).toBe(408);
    await expectReleased(budget);
  });

  it.each([
    ['too large (declared)', { maxWireBytes: 64 * KiB }, { bytes: 128 * KiB }],
    ['too large (chunked)', { maxWireBytes: 64 * KiB }, { bytes: 128 * KiB, chunked: true }],
    ['timed out', { bodyTimeoutMs: 300 }, { bytes: 128 * KiB, stallAfterBytes: 16 * KiB }],
  ] as const)('%s: released', async (_name, limits, send) => {
    const budget = new BodyBudget(1024 * KiB);
    const { url } = await serve({ ...limits, bodyBudget: budget });
    const result = await sendLarge(url, {}, send.bytes, { chunked: 'chunked' in send, stallAfterBytes: 'stallAfterBytes' in send ? send.stallAfterBytes : undefined, timeoutMs: 5_000 });
    expect([408, 413]).toContain(result.status);
    await expectReleased(budget);
  });

  it('aborted by the sender mid-body: released', async () => {
    const budget = new BodyBudget(1024 * KiB);
    const { url, codes } = await serve({ bodyBudget: budget });
    await new Promise<void>((resolve) => {
      const req = request(url, { method: 'POST', headers: { 'content-length': String(512 * KiB) } });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(64 * KiB));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 200);
    });
    for (let i = 0; i < 40 && codes.length === 0; i++) await sleep(25);
    expect(codes).toEqual(['body_incomplete']);
    await expectReleased(budget);
  });

  it('refuses a budget that is not a positive whole number of bytes', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => new BodyBudget(bad)).toThrow(/maxBytes/);
  });
});
