import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/body/decode-body.js';
import { MAX_CONTENT_CODINGS, parseContentEncoding } from '../../src/body/content-encoding.js';
import { SYNC_OUTPUT_BUDGET } from '../../src/body/zlib-decode.js';
import { COMPRESSORS, encodeWith, expectWebhookError, samplePayload } from './fixtures.js';

const payload = samplePayload(2500);
const LIMIT = 1024 * 1024;
const CODINGS = Object.keys(COMPRESSORS);

describe('decodeBody round trips', () => {
  it.each(CODINGS)('%s', async (coding) => {
    const wire = encodeWith(coding, payload);
    expect(wire.equals(payload)).toBe(false);
    expect((await decodeBody(wire, coding, LIMIT)).equals(payload)).toBe(true);
  });

  it.each([undefined, '', 'identity', 'IDENTITY', ' , identity ,'])('returns identity bodies untouched (%j)', async (header) => {
    expect(await decodeBody(payload, header, LIMIT)).toBe(payload);
  });

  it.each(['GZIP', 'Zstd', 'Br', 'DeFlate', 'X-GZIP', '  gzip  '])('reads coding names case-insensitively (%j)', async (header) => {
    const wire = encodeWith(header, payload);
    expect((await decodeBody(wire, header, LIMIT)).equals(payload)).toBe(true);
  });

  it.each(['gzip, zstd', 'zstd, gzip', 'br,deflate', 'deflate, br, gzip, zstd', 'identity, gzip, identity', 'gzip,,zstd'])(
    'decodes the stack %j in reverse order of application',
    async (header) => {
      const wire = encodeWith(header, payload);
      expect((await decodeBody(wire, header, LIMIT)).equals(payload)).toBe(true);
    },
  );

  it('accepts raw deflate (no zlib wrapper) as deflate', async () => {
    const raw = zlib.deflateRawSync(payload);
    expect((await decodeBody(raw, 'deflate', LIMIT)).equals(payload)).toBe(true);
  });

  it('decodes bodies above the synchronous budget through the thread pool', async () => {
    const large = samplePayload(SYNC_OUTPUT_BUDGET * 3);
    for (const coding of CODINGS) {
      const decoded = await decodeBody(encodeWith(coding, large), coding, 4 * SYNC_OUTPUT_BUDGET);
      expect(decoded.equals(large), coding).toBe(true);
    }
  });

  it('decodes an empty payload that was compressed', async () => {
    for (const coding of CODINGS) {
      expect((await decodeBody(encodeWith(coding, Buffer.alloc(0)), coding, LIMIT)).length, coding).toBe(0);
    }
  });
});

describe('decodeBody limits', () => {
  it.each(CODINGS)('%s: exactly the limit passes, one byte more is 413', async (coding) => {
    const wire = encodeWith(coding, payload);
    expect((await decodeBody(wire, coding, payload.length)).length).toBe(payload.length);
    await expectWebhookError(decodeBody(wire, coding, payload.length - 1), 'decoded_body_too_large');
  });

  it('holds at every step of a stack', async () => {
    // The outer gzip decodes to a small zstd body; the inner zstd step is what exceeds the limit.
    const inner = encodeWith('zstd', Buffer.alloc(200_000));
    const wire = encodeWith('gzip', inner);
    expect(inner.length).toBeLessThan(10_000);
    await expectWebhookError(decodeBody(wire, 'zstd, gzip', 100_000), 'decoded_body_too_large');
  });

  it('applies the decoded limit to identity bodies too', async () => {
    await expectWebhookError(decodeBody(payload, undefined, payload.length - 1), 'decoded_body_too_large');
  });

  it('enforces a limit of zero', async () => {
    await expectWebhookError(decodeBody(zlib.gzipSync('x'), 'gzip', 0), 'decoded_body_too_large');
  });
});

describe('decodeBody refusals', () => {
  it.each(['compress', 'x-compress', 'lz4', 'gzip;q=1', 'snappy', 'zstd, lzma'])('415 for %j, listing what is supported', async (header) => {
    const error = await expectWebhookError(decodeBody(payload, header, LIMIT), 'unsupported_content_encoding');
    expect(error.status).toBe(415);
    expect(error.message).toContain('identity, gzip, x-gzip, deflate, br, zstd');
  });

  it('refuses before decoding anything', async () => {
    // A valid gzip body with an unknown coding stacked on top is still refused at once.
    await expectWebhookError(decodeBody(zlib.gzipSync(payload), 'gzip, bogus', LIMIT), 'unsupported_content_encoding');
  });

  it('does not echo a crafted coding name', async () => {
    const error = await expectWebhookError(decodeBody(payload, '<script>alert(1)</script>', LIMIT), 'unsupported_content_encoding');
    expect(error.message).not.toContain('<script>');
  });

  it(`refuses stacks of more than ${MAX_CONTENT_CODINGS} codings`, async () => {
    const header = Array.from({ length: MAX_CONTENT_CODINGS + 1 }, () => 'gzip').join(', ');
    await expectWebhookError(decodeBody(encodeWith(header, payload), header, LIMIT), 'unsupported_content_encoding');
    expect(parseContentEncoding(Array.from({ length: MAX_CONTENT_CODINGS }, () => 'br').join(','))).toHaveLength(MAX_CONTENT_CODINGS);
  });

  describe.each(CODINGS)('%s', (coding) => {
    const wire = encodeWith(coding, samplePayload(20_000));

    it('truncated at any of several points: 400 malformed_encoding', async () => {
      for (const keep of [1, 4, 9, Math.floor(wire.length / 2), wire.length - 1]) {
        const error = await expectWebhookError(decodeBody(wire.subarray(0, keep), coding, LIMIT), 'malformed_encoding');
        expect(error.status).toBe(400);
      }
    });

    it('corrupt header: 400 malformed_encoding', async () => {
      const corrupt = Buffer.from(wire);
      // br has no magic number; its first byte encodes the window, and 0xff there is invalid.
      corrupt.fill(0xff, 0, 4);
      await expectWebhookError(decodeBody(corrupt, coding, LIMIT), 'malformed_encoding');
    });

    it('corrupt data: 400 malformed_encoding', async () => {
      const corrupt = Buffer.from(wire);
      corrupt.fill(0xa5, Math.floor(wire.length / 3), Math.floor(wire.length / 3) + 16);
      await expectWebhookError(decodeBody(corrupt, coding, LIMIT), 'malformed_encoding');
    });

    it('empty body claiming the coding: 400 malformed_encoding', async () => {
      await expectWebhookError(decodeBody(Buffer.alloc(0), coding, LIMIT), 'malformed_encoding');
    });

    it('plain JSON mislabelled with the coding: 400 malformed_encoding', async () => {
      const error = await expectWebhookError(decodeBody(payload, coding, LIMIT), 'malformed_encoding');
      expect(error.message).not.toContain('endUserId');
    });

    // Inflate, brotli and zstd in node:zlib stop at the end of their stream and ignore what follows:
    // a signed body with a timestamp's digits appended still decoded, and still verified (see
    // packages/core/test/receiver/appended-timestamp.test.ts).
    it('bytes after the end of the compressed data, on both the synchronous and the thread-pool path: 400 malformed_encoding', async () => {
      for (const body of [wire, encodeWith(coding, samplePayload(SYNC_OUTPUT_BUDGET + 1000))]) {
        for (const extra of ['1764550000', '\n', '\u0000\u0000x']) {
          const error = await expectWebhookError(decodeBody(Buffer.concat([body, Buffer.from(extra)]), coding, 4 * LIMIT), 'malformed_encoding');
          expect(error.status).toBe(400);
        }
      }
    });
  });
});

describe('decodeBody of concatenated streams', () => {
  it('decodes gzip members one after another, as gzip allows', async () => {
    const twice = Buffer.concat([zlib.gzipSync(payload), zlib.gzipSync(payload)]);
    expect((await decodeBody(twice, 'gzip', LIMIT)).equals(Buffer.concat([payload, payload]))).toBe(true);
  });

  it.each(CODINGS)('%s: accepts zero bytes after the end of the stream, as gzip tools pad', async (coding) => {
    const padded = Buffer.concat([encodeWith(coding, payload), Buffer.alloc(16)]);
    if (coding === 'zstd') {
      // zstd's frame scan refuses any trailing bytes, zeros too: stricter, and nothing pads zstd.
      await expectWebhookError(decodeBody(padded, coding, LIMIT), 'malformed_encoding');
    } else {
      expect((await decodeBody(padded, coding, LIMIT)).equals(payload)).toBe(true);
    }
  });
});
