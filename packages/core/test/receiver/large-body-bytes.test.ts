import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { signHmac } from '../../src/auth/sign.js';
import { createThryveReceiver } from '../../src/receiver/thryve-receiver.js';
import { thryveSamples } from '../../src/providers/thryve/samples.js';
import { zstdCompress } from '../../src/testing/zstd-compress.js';

// A large decoded body's bytes are freed as soon as its text exists (body/free-bytes.ts). These tests
// pin what that may and may not touch: the decoder's own output only, never the bytes the application
// handed in, and never anything the handlers see.

const SECRET = 'large-body-secret';
const MiB = 1024 * 1024;

/** A Thryve epoch push of at least `bytes` of JSON: the sample's points, repeated with distinct times. */
function largeEpochPush(bytes: number): { json: Buffer; points: number } {
  const sample = thryveSamples['event.data.epoch.create']();
  const source = Array.isArray(sample.data) ? sample.data[0] : sample.data;
  const first = source?.epochData[0];
  if (first === undefined) throw new Error('the epoch sample has no points');
  const one = JSON.stringify(first).length + 1;
  const count = Math.ceil(bytes / one);
  const start = Date.parse('2024-01-01T00:00:00Z');
  const epochData = Array.from({ length: count }, (_, i) => ({
    ...first,
    startTimestamp: new Date(start + i * 60_000).toISOString(),
    endTimestamp: new Date(start + (i + 1) * 60_000).toISOString(),
  }));
  const json = Buffer.from(JSON.stringify({ ...sample, data: { ...source, epochData } }));
  return { json, points: count };
}

async function deliver(wire: Buffer, encoding: string | undefined): Promise<{ status: number; points: number | undefined }> {
  const receiver = createThryveReceiver({ secret: SECRET });
  let points: number | undefined;
  receiver.on('event.data.epoch.create', (event) => {
    const { data } = event.payload;
    points = (Array.isArray(data) ? data : [data]).reduce((sum, source) => sum + source.epochData.length, 0);
  });
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-hmac-signature': signHmac(SECRET, wire, {}) };
  if (encoding !== undefined) headers['content-encoding'] = encoding;
  const response = await receiver.handle({ method: 'POST', headers, body: { kind: 'buffer', buffer: wire } });
  return { status: response.status, points };
}

describe('a large decoded body', () => {
  const { json, points } = largeEpochPush(1.5 * MiB);

  it.each([
    ['zstd', () => zstdCompress(json)],
    ['gzip', () => gzipSync(json)],
  ])('%s: handlers get every point, and the wire bytes the application handed in are untouched', async (encoding, compress) => {
    const wire = compress();
    const copy = Buffer.from(wire);
    const outcome = await deliver(wire, encoding);
    expect(outcome).toEqual({ status: 204, points });
    expect(wire.length).toBe(copy.length);
    expect(wire.equals(copy)).toBe(true);
  });

  it('without Content-Encoding the wire bytes are the decoded bytes, and stay untouched', async () => {
    const wire = Buffer.from(json);
    const outcome = await deliver(wire, undefined);
    expect(outcome).toEqual({ status: 204, points });
    expect(wire.equals(json)).toBe(true);
  });
});
