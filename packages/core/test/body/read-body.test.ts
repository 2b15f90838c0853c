import { once } from 'node:events';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BODY_LIMITS, type BodyLimits } from '../../src/body/limits.js';
import { readBody } from '../../src/body/read-body.js';
import type { BodySource } from '../../src/http/webhook-request.js';
import { expectWebhookError, samplePayload } from './fixtures.js';

const limits: BodyLimits = { maxWireBytes: 64 * 1024, maxDecodedBytes: 64 * 1024, bodyTimeoutMs: 2_000 };
const body = samplePayload(10_000);

function streamOf(...chunks: Buffer[]): BodySource {
  return { kind: 'stream', stream: Readable.from(chunks, { objectMode: false }) };
}

describe('DEFAULT_BODY_LIMITS', () => {
  it('is 16 MiB wire, 16 MiB decoded, 10 s, and frozen', () => {
    expect(DEFAULT_BODY_LIMITS).toEqual({ maxWireBytes: 16 * 1024 * 1024, maxDecodedBytes: 16 * 1024 * 1024, bodyTimeoutMs: 10_000 });
    expect(Object.isFrozen(DEFAULT_BODY_LIMITS)).toBe(true);
  });
});

describe('readBody from a stream', () => {
  it('returns the bytes exactly as received, across chunks', async () => {
    const source = streamOf(body.subarray(0, 3), body.subarray(3, 5000), body.subarray(5000));
    expect((await readBody(source, { 'content-length': String(body.length) }, limits)).equals(body)).toBe(true);
  });

  it('reads bodies without Content-Length (chunked) and empty bodies', async () => {
    expect((await readBody(streamOf(body), {}, limits)).equals(body)).toBe(true);
    expect((await readBody(streamOf(), { 'content-length': '0' }, limits)).length).toBe(0);
  });

  it('accepts exactly the wire limit and refuses one byte more with 413', async () => {
    const exact = Buffer.alloc(limits.maxWireBytes, 1);
    expect((await readBody(streamOf(exact), {}, limits)).length).toBe(limits.maxWireBytes);
    const error = await expectWebhookError(readBody(streamOf(exact, Buffer.from('x')), {}, limits), 'body_too_large');
    expect(error.status).toBe(413);
    expect(error.message).toContain('limits.maxWireBytes');
  });

  it('refuses a Content-Length above the limit at once, without reading', async () => {
    const stream = new PassThrough(); // never written: reading would wait for the timeout
    const error = await expectWebhookError(
      readBody({ kind: 'stream', stream }, { 'content-length': String(limits.maxWireBytes + 1) }, limits),
      'body_too_large',
    );
    expect(error.message).toContain(String(limits.maxWireBytes + 1));
    expect(stream.readableDidRead).toBe(false);
    expect(stream.listenerCount('data')).toBe(0);
  });

  it('400 body_incomplete when the stream ends short of Content-Length', async () => {
    const error = await expectWebhookError(readBody(streamOf(body), { 'content-length': String(body.length + 10) }, limits), 'body_incomplete');
    expect(error.message).toContain('Content-Length');
  });

  it('400 body_incomplete when a stream sends more than Content-Length (Node\'s HTTP parser stops at it; other streams may not)', async () => {
    const error = await expectWebhookError(readBody(streamOf(body), { 'content-length': String(body.length - 1) }, limits), 'body_incomplete');
    expect(error.message).toContain(`${body.length - 1} bytes Content-Length declares`);
  });

  it('408 body_timeout on a trickling stream, then pauses it so the 408 can still be answered', async () => {
    const stream = new PassThrough();
    stream.write('{"a":');
    const timer = setInterval(() => stream.write(' '), 20);
    try {
      const error = await expectWebhookError(
        readBody({ kind: 'stream', stream }, {}, { ...limits, bodyTimeoutMs: 150 }),
        'body_timeout',
      );
      expect(error.status).toBe(408);
      expect(error.message).toContain('150 ms');
    } finally {
      clearInterval(timer);
    }
    expect(stream.destroyed).toBe(false);
    expect(stream.isPaused()).toBe(true);
  });

  it('400 body_incomplete when the stream errors (client abort)', async () => {
    const stream = new PassThrough();
    const reading = readBody({ kind: 'stream', stream }, {}, limits);
    stream.write('partial');
    stream.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    await expectWebhookError(reading, 'body_incomplete');
  });

  it('400 body_incomplete when the stream is closed without an error, instead of waiting for the timeout', async () => {
    const stream = new PassThrough();
    const reading = readBody({ kind: 'stream', stream }, {}, { ...limits, bodyTimeoutMs: 60_000 });
    stream.write('partial');
    stream.destroy();
    await expectWebhookError(reading, 'body_incomplete');
  });

  describe('a stream something else got to first never hangs', () => {
    it('already ended', async () => {
      const stream = Readable.from([body]);
      for await (const _chunk of stream) void _chunk;
      expect(stream.readableEnded).toBe(true);
      const error = await expectWebhookError(readBody({ kind: 'stream', stream }, {}, limits), 'body_already_consumed');
      expect(error.status).toBe(500);
      expect(error.message).toMatch(/before any body parser/);
      expect(error.message).toContain('req.rawBody');
    });

    it('already flowing with no data left (a parser is reading it)', async () => {
      const stream = new PassThrough();
      stream.on('data', () => undefined);
      await expectWebhookError(readBody({ kind: 'stream', stream }, {}, limits), 'body_already_consumed');
    });

    it('partly read', async () => {
      const stream = new PassThrough();
      stream.end(body);
      stream.read(10);
      await expectWebhookError(readBody({ kind: 'stream', stream }, {}, limits), 'body_already_consumed');
    });

    it('no longer readable', async () => {
      const stream = new PassThrough();
      stream.end();
      stream.resume();
      await once(stream, 'end');
      await expectWebhookError(readBody({ kind: 'stream', stream }, {}, limits), 'body_already_consumed');
    });

    it('destroyed before anything was read is the sender going away', async () => {
      const stream = new PassThrough();
      stream.destroy();
      await expectWebhookError(readBody({ kind: 'stream', stream }, {}, limits), 'body_incomplete');
    });

    it('setEncoding() was called', async () => {
      const stream = new PassThrough();
      stream.setEncoding('utf8');
      stream.end(body);
      const error = await expectWebhookError(readBody({ kind: 'stream', stream }, {}, limits), 'body_already_consumed');
      expect(error.message).toContain('setEncoding');
    });
  });
});

describe('readBody from a captured buffer or a consumed body', () => {
  it('returns the captured buffer as it is', async () => {
    expect(await readBody({ kind: 'buffer', buffer: body }, { 'content-length': String(body.length) }, limits)).toBe(body);
  });

  it('413 for a captured buffer above the wire limit', async () => {
    await expectWebhookError(readBody({ kind: 'buffer', buffer: Buffer.alloc(limits.maxWireBytes + 1) }, {}, limits), 'body_too_large');
  });

  it('refuses a captured buffer that does not match Content-Length (captured after decompression)', async () => {
    const error = await expectWebhookError(
      readBody({ kind: 'buffer', buffer: body }, { 'content-length': '312', 'content-encoding': 'gzip' }, limits),
      'body_already_consumed',
    );
    expect(error.message).toContain('as received');
  });

  it('consumed: 500 at once, naming the parser and how to fix the setup', async () => {
    const error = await expectWebhookError(readBody({ kind: 'consumed', parser: 'express.json()' }, {}, limits), 'body_already_consumed');
    expect(error.status).toBe(500);
    expect(error.message).toContain('express.json()');
    expect(error.message).toMatch(/before any body parser/);
    expect(error.message).toContain('req.rawBody');
  });
});

describe('readBody on a real HTTP request', () => {
  async function withServer(
    handle: (req: IncomingMessage) => Promise<unknown>,
    send: (port: number) => void,
  ): Promise<unknown> {
    let settle: (value: unknown) => void = () => undefined;
    const result = new Promise((resolve) => (settle = resolve));
    const server = createServer((req, res) => {
      handle(req).then(settle, settle);
      res.on('error', () => undefined);
      req.on('error', () => undefined);
      setTimeout(() => res.end(), 50);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      send((server.address() as AddressInfo).port);
      return await result;
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }

  it('reads the body of a POST', async () => {
    const received = await withServer(
      (req) => readBody({ kind: 'stream', stream: req }, req.headers, limits),
      (port) => {
        const req = request({ port, host: '127.0.0.1', method: 'POST', headers: { 'content-length': body.length } });
        req.on('error', () => undefined);
        req.end(body);
      },
    );
    expect(Buffer.isBuffer(received) && received.equals(body)).toBe(true);
  });

  it('a client that aborts mid-body gives body_incomplete', async () => {
    const received = await withServer(
      (req) => readBody({ kind: 'stream', stream: req }, req.headers, limits),
      (port) => {
        const req = request({ port, host: '127.0.0.1', method: 'POST', headers: { 'content-length': body.length } });
        req.on('error', () => undefined);
        req.write(body.subarray(0, 100));
        setTimeout(() => req.destroy(), 30);
      },
    );
    expect(received).toMatchObject({ code: 'body_incomplete' });
  });
});
