import { execFileSync } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import { ZSTD_PRIMER_DECODED_BYTES, ZSTD_PRIMER_FRAME } from '../../src/body/zstd-primer.js';
import { decodeZstdWithJs } from '../../src/body/zstd-decoder.js';
import { scanZstdFrames } from '../../src/body/zstd-frames.js';

describe('the zstd primer frame', () => {
  const frame = Buffer.from(ZSTD_PRIMER_FRAME, 'base64');

  it('decodes with the JS decoder to exactly what the zstd tool makes of it', () => {
    const byTool = execFileSync('/usr/bin/zstd', ['-d', '-c', '-q'], { input: frame });
    const byJs = decodeZstdWithJs(frame, ZSTD_PRIMER_DECODED_BYTES);
    expect(byJs.length).toBe(ZSTD_PRIMER_DECODED_BYTES);
    expect(byJs.equals(byTool)).toBe(true);
  });

  it('is Thryve-shaped JSON compressed, not stored: its decoder paths are the ones deliveries take', () => {
    const decoded = JSON.parse(decodeZstdWithJs(frame, ZSTD_PRIMER_DECODED_BYTES).toString('utf8')) as { type?: unknown };
    expect(decoded.type).toBe('event.data.daily.create');
    expect(frame.length).toBeLessThan(ZSTD_PRIMER_DECODED_BYTES / 2);
    expect(scanZstdFrames(frame, ZSTD_PRIMER_DECODED_BYTES).frames).toHaveLength(1);
  });
});

describe('createThryveReceiver', () => {
  it('primes the JS zstd decoder once per process, whatever the number of receivers', async () => {
    vi.resetModules();
    const decoder = await import('../../src/body/zstd-decoder.js');
    const spy = vi.spyOn(decoder, 'decodeZstdWithJs');
    const { createThryveReceiver } = await import('../../src/receiver/thryve-receiver.js');
    createThryveReceiver({ secret: 'a-secret' });
    createThryveReceiver({ secret: 'another-secret' });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[1]).toBe(ZSTD_PRIMER_DECODED_BYTES);
  });
});
