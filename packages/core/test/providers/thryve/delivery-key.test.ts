import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { thryveDeliveryKey } from '../../../src/providers/thryve/delivery-key.js';
import { thryveProvider } from '../../../src/providers/thryve/provider.js';
import { thryveSamples } from '../../../src/providers/thryve/samples.js';

const body = Buffer.from(JSON.stringify(thryveSamples['event.data.epoch.create']()));

describe('thryveDeliveryKey', () => {
  it('is thryve:sha256: and the hex SHA-256 of the decoded body', () => {
    expect(thryveDeliveryKey(Buffer.from('{}'))).toBe('thryve:sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  });

  it('is the same for a retry of the same body, whatever headers or buffer it arrives in', () => {
    const key = thryveProvider.deliveryKey({ 'content-encoding': 'zstd' }, body);
    expect(thryveProvider.deliveryKey({ 'content-encoding': 'gzip', 'x-hmac-timestamp': '1' }, Buffer.from(body))).toBe(key);
    expect(thryveDeliveryKey(new Uint8Array(body))).toBe(key);
    // The wire bytes are not what is hashed: a compressed copy has another hash.
    expect(thryveDeliveryKey(gzipSync(body))).not.toBe(key);
  });

  it('differs when the body differs by one byte', () => {
    const other = Buffer.from(body);
    other[other.length - 2] = 0x20;
    expect(thryveDeliveryKey(other)).not.toBe(thryveDeliveryKey(body));
  });
});
