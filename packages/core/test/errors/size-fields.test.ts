import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/body/decode-body.js';
import type { BodyLimits } from '../../src/body/limits.js';
import { readBody } from '../../src/body/read-body.js';
import { WebhookError } from '../../src/errors/webhook-error.js';

// Code that catches a WebhookError (a queue consumer, a custom adapter, a log pipeline) can read the
// sizes behind a refusal instead of parsing the message, as with raw-body's errors.

const limits: BodyLimits = { maxWireBytes: 1_000, maxDecodedBytes: 4_000, bodyTimeoutMs: 2_000 };

async function refusal(promise: Promise<unknown>): Promise<WebhookError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookError);
  return error as WebhookError;
}

describe('size fields on WebhookError', () => {
  it('a declared Content-Length over the wire limit: limit and expected', async () => {
    const stream = new PassThrough();
    const error = await refusal(readBody({ kind: 'stream', stream }, { 'content-length': '5000' }, limits));
    expect(error).toMatchObject({ code: 'body_too_large', limit: 1_000, expected: 5_000 });
    expect(error.received).toBeUndefined();
  });

  it('a streamed body that grows past the wire limit: limit and the bytes received', async () => {
    const stream = new PassThrough();
    const reading = readBody({ kind: 'stream', stream }, {}, limits);
    stream.write(Buffer.alloc(800));
    stream.end(Buffer.alloc(800));
    const error = await refusal(reading);
    expect(error).toMatchObject({ code: 'body_too_large', limit: 1_000 });
    expect(error.received).toBeGreaterThan(1_000);
  });

  it('a captured Buffer over the wire limit: limit and its length', async () => {
    const error = await refusal(readBody({ kind: 'buffer', buffer: Buffer.alloc(1_500) }, {}, limits));
    expect(error).toMatchObject({ code: 'body_too_large', limit: 1_000, received: 1_500 });
  });

  it('a body that decodes past the decoded limit: limit', async () => {
    const error = await refusal(decodeBody(gzipSync(Buffer.alloc(10_000)), 'gzip', limits.maxDecodedBytes));
    expect(error).toMatchObject({ code: 'decoded_body_too_large', limit: 4_000 });
  });

  it('errors without sizes carry no size fields at all', () => {
    const error = new WebhookError('invalid_signature', 'No configured secret produces the signature.');
    expect(Object.keys(error)).not.toContain('limit');
    expect('received' in error).toBe(false);
  });
});
