import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { signHmac, thryveSamples } from '../../src/testing/index.js';
import { createThryveReceiver } from '../../src/index.js';

// Thryve's HMAC covers the body as sent, then the X-HMAC-Timestamp digits, with nothing between them;
// the timestamp header itself is optional by default. Inflate and brotli stop at the end of their
// stream and ignore what follows, so moving the digits from the header to the end of a deflate or br
// body kept the signature valid while the 24 h window, checked only when the header is there, was
// skipped: a delivery captured long ago could be replayed once its key had left the store.

const SECRET = 'appended-timestamp-secret';
const DAY_AND_A_HOUR_AGO = Math.floor(Date.now() / 1000) - 25 * 3600;

const COMPRESS = { deflate: zlib.deflateSync, br: zlib.brotliCompressSync, gzip: zlib.gzipSync } as const;

describe('a Thryve delivery whose timestamp was moved from its header to the end of its body', () => {
  it.each(Object.keys(COMPRESS) as (keyof typeof COMPRESS)[])('%s: refused, not acknowledged', async (coding) => {
    const receiver = createThryveReceiver({ secret: SECRET, logger: false });
    const handled: string[] = [];
    receiver.onAny((event) => void handled.push(event.type));
    const body = COMPRESS[coding](Buffer.from(JSON.stringify(thryveSamples['event.data.epoch.create']())));
    const timestamp = String(DAY_AND_A_HOUR_AGO);
    const signature = signHmac(SECRET, body, { timestamp });
    const headers = { 'content-type': 'application/json', 'content-encoding': coding, 'x-hmac-signature': signature };

    // As captured: too old.
    const captured = await receiver.handle({ method: 'POST', headers: { ...headers, 'x-hmac-timestamp': timestamp }, body: { kind: 'buffer', buffer: body } });
    expect(captured.status).toBe(401);
    expect(JSON.parse(captured.body!)).toMatchObject({ error: { code: 'timestamp_out_of_tolerance' } });
    // Replayed with the digits appended and no header: the HMAC matches, the bytes must not decode.
    const replayed = await receiver.handle({ method: 'POST', headers, body: { kind: 'buffer', buffer: Buffer.concat([body, Buffer.from(timestamp)]) } });
    expect(JSON.parse(replayed.body!)).toMatchObject({ error: { code: 'malformed_encoding' } });
    expect(replayed.status).toBe(400);
    expect(handled).toEqual([]);
  });
});
