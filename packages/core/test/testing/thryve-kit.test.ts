import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createThryveReceiver } from '../../src/index.js';
import { THRYVE_EVENT_TYPES } from '../../src/providers/thryve/index.js';
import { thryveTestDelivery, zstdStoredFrame } from '../../src/testing/index.js';

describe('zstdStoredFrame', () => {
  it.each([0, 1, 5000, 128 * 1024 - 1, 128 * 1024, 300_000])('is a frame the zstd tool decodes (%i bytes)', (size) => {
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i++) data[i] = (i * 31) & 0xff;
    const decoded = execFileSync('zstd', ['-d', '-q', '-c'], { input: zstdStoredFrame(data) });
    expect(decoded.equals(data)).toBe(true);
  });
});

describe('thryveTestDelivery', () => {
  it.each(THRYVE_EVENT_TYPES)('%s is accepted by a receiver with the same secret, and refused by another', async (type) => {
    const delivery = thryveTestDelivery(type, { secret: 'kit-secret' });
    const request = { method: 'POST', headers: delivery.headers, body: { kind: 'buffer', buffer: delivery.body } } as const;
    const seen: string[] = [];
    const receiver = createThryveReceiver({ secret: 'kit-secret' }).onAny((event) => void seen.push(event.type));
    expect((await receiver.handle(request)).status).toBe(204);
    expect(seen).toEqual([type]);
    expect((await createThryveReceiver({ secret: 'other' }).handle(request)).status).toBe(401);
  });

  it('compresses data pushes with zstd and leaves notifications plain by default', () => {
    expect(thryveTestDelivery('event.data.epoch.create', { secret: 's' }).headers['content-encoding']).toBe('zstd');
    expect(thryveTestDelivery('notification.source.connect', { secret: 's' }).headers['content-encoding']).toBeUndefined();
  });
});
