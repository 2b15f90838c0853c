import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/body/decode-body.js';
import { decodeWithZlibExact, GUNZIP } from '../../src/body/zlib-decode.js';
import { decodeZstdWithJs, decodeZstdWithZlib, hasNativeZstd, JS_MAX_OUTPUT } from '../../src/body/zstd-decoder.js';
import { expectWebhookError, samplePayload, zstdCompress, zstdFrame } from './fixtures.js';

const MiB = 1024 * 1024;

describe('decodeWithZlibExact: one call into a buffer of the declared size', () => {
  const data = samplePayload(1000);
  const gzipped = zlib.gzipSync(data);

  it('returns the output when it is the declared size', async () => {
    expect((await decodeWithZlibExact(GUNZIP, gzipped, data.length)).equals(data)).toBe(true);
  });

  it('output past the declared size is malformed_encoding, not a decoded-size refusal', async () => {
    await expectWebhookError(decodeWithZlibExact(GUNZIP, gzipped, data.length - 1), 'malformed_encoding');
    await expectWebhookError(decodeWithZlibExact(GUNZIP, gzipped, 0), 'malformed_encoding');
  });

  it('returns shorter output as it is, for the caller to check', async () => {
    expect((await decodeWithZlibExact(GUNZIP, gzipped, data.length + 10)).length).toBe(data.length);
  });

  it('corrupt input is malformed_encoding', async () => {
    await expectWebhookError(decodeWithZlibExact(GUNZIP, gzipped.subarray(0, gzipped.length - 12), data.length), 'malformed_encoding');
  });
});

describe.runIf(hasNativeZstd())('zstd through node:zlib, frames that declare their size', () => {
  it('small and large frames (the large one on the thread pool) decode byte for byte', async () => {
    for (const size of [100, 64 * 1024, 3 * MiB]) {
      const payload = samplePayload(size);
      expect((await decodeZstdWithZlib(zstdCompress(payload), 4 * MiB)).equals(payload)).toBe(true);
    }
  });

  it('a later frame that declares more than the room left is 413 before decoding', async () => {
    const first = zstdFrame({ contentSize: 1000, blocks: [{ type: 'rle', byte: 1, size: 1000 }] });
    // Declares 1000 bytes but its block is garbage: refused for its size, not for its data.
    const second = zstdFrame({ contentSize: 1000, blocks: [{ type: 'compressed', data: Buffer.alloc(16, 0xff) }] });
    await expectWebhookError(decodeZstdWithZlib(Buffer.concat([first, second]), 1999), 'decoded_body_too_large');
  });
});

describe('small zstd bodies', () => {
  it(`decode the same on both sides of JS_MAX_OUTPUT (${JS_MAX_OUTPUT} bytes), by decodeBody and by the JS decoder`, async () => {
    for (const size of [JS_MAX_OUTPUT - 1, JS_MAX_OUTPUT, JS_MAX_OUTPUT + 1, 4 * JS_MAX_OUTPUT]) {
      const payload = samplePayload(size);
      const frame = zstdCompress(payload);
      expect((await decodeBody(frame, 'zstd', MiB)).equals(payload)).toBe(true);
      expect(decodeZstdWithJs(frame, MiB).equals(payload)).toBe(true);
    }
  });
});
