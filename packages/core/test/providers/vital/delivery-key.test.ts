import { describe, expect, it } from 'vitest';
import { vitalDeliveryKey } from '../../../src/providers/vital/delivery-key.js';
import { vitalProvider } from '../../../src/providers/vital/provider.js';
import { vitalSamples } from '../../../src/providers/vital/samples.js';

const body = Buffer.from(JSON.stringify(vitalSamples['daily.data.sleep.created']()));

describe('vitalDeliveryKey', () => {
  it('is vital: and the Svix message id, whatever the body', () => {
    expect(vitalProvider.deliveryKey({ 'svix-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek' }, body)).toBe('vital:msg_p5jXN8AQM9LWM0D4loKWxJek');
    expect(vitalDeliveryKey({ 'svix-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek' }, Buffer.from('{}'))).toBe('vital:msg_p5jXN8AQM9LWM0D4loKWxJek');
  });

  it('reads the Standard Webhooks webhook-id of white-labelled plans, preferring svix-id', () => {
    expect(vitalDeliveryKey({ 'webhook-id': 'msg_white' }, body)).toBe('vital:msg_white');
    expect(vitalDeliveryKey({ 'webhook-id': 'msg_white', 'svix-id': 'msg_svix' }, body)).toBe('vital:msg_svix');
    expect(vitalDeliveryKey({ 'svix-id': '', 'webhook-id': 'msg_white' }, body)).toBe('vital:msg_white');
  });

  it('reads a repeated id as the signature check does: identical repeats are one id', () => {
    // Node and Fetch Headers join a repeated header with ", "; some adapters pass arrays.
    expect(vitalDeliveryKey({ 'svix-id': 'msg_a, msg_a' }, body)).toBe('vital:msg_a');
    expect(vitalDeliveryKey({ 'svix-id': ['msg_a', 'msg_a'] }, body)).toBe('vital:msg_a');
    expect(vitalDeliveryKey({ 'svix-id': ' msg_a ' }, body)).toBe('vital:msg_a');
  });

  it('falls back to the SHA-256 of the decoded body without a message id', () => {
    expect(vitalDeliveryKey({}, Buffer.from('{}'))).toBe('vital:sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(vitalDeliveryKey({ 'svix-timestamp': '1614265330' }, body)).toBe(vitalDeliveryKey({}, Buffer.from(body)));
    const other = Buffer.from(body);
    other[other.length - 2] = 0x20;
    expect(vitalDeliveryKey({}, other)).not.toBe(vitalDeliveryKey({}, body));
  });
});
