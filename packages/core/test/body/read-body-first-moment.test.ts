import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { BodyLimits } from '../../src/body/limits.js';
import type * as ReadBodyModule from '../../src/body/read-body.js';

// A streamed body is listened to from the call on: there must be no moment in which the stream has no
// reader (its error would be uncaught) or changes state unseen. These run with a fresh copy of
// read-body.ts each time, so each is also the process's first streamed body (which once loaded raw-body).

const limits: BodyLimits = { maxWireBytes: 64 * 1024, maxDecodedBytes: 64 * 1024, bodyTimeoutMs: 2_000 };

async function freshReadBody(): Promise<typeof ReadBodyModule.readBody> {
  vi.resetModules();
  return (await import('../../src/body/read-body.js')).readBody;
}

async function errorCode(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error as { code?: unknown }).code,
  );
}

describe('the first streamed body, from the moment of the call', () => {
  it('is read in full', async () => {
    const readBody = await freshReadBody();
    const stream = new PassThrough();
    const reading = readBody({ kind: 'stream', stream }, { 'content-length': '11' }, limits);
    stream.end('hello world');
    expect((await reading).toString()).toBe('hello world');
  });

  it('a stream error right after the call is 400 body_incomplete, not an uncaught error', async () => {
    const readBody = await freshReadBody();
    const stream = new PassThrough();
    const reading = readBody({ kind: 'stream', stream }, {}, limits);
    stream.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    expect(await errorCode(reading)).toBe('body_incomplete');
  });

  it('a stream closed right after the call is 400 body_incomplete', async () => {
    const readBody = await freshReadBody();
    const stream = new PassThrough();
    const reading = readBody({ kind: 'stream', stream }, {}, limits);
    stream.destroy();
    expect(await errorCode(reading)).toBe('body_incomplete');
  });
});
