import { describe, expect, it } from 'vitest';
import { terraProvider } from '../../src/providers/terra/provider.js';
import { terraSamples } from '../../src/providers/terra/samples.js';
import { checkDelivery, classifyDelivery, refusedInStrictMode, storedVerdict } from '../../src/receiver/classify-delivery.js';

const RECEIVED_AT = new Date('2024-05-01T07:15:00Z');
const input = (type: string, payload: unknown) => ({ type, payload, deliveryKey: 'terra:k', receivedAt: RECEIVED_AT });

describe('checkDelivery and strict mode', () => {
  it('a payload that passes the gate is an event, with its drift; strict mode never refuses it', () => {
    const drifting = terraSamples.sleep({ version: 20240501 as never });
    const verdict = checkDelivery(terraProvider, 'sleep', drifting);
    expect(verdict).toEqual({ kind: 'event', drift: { issues: [{ path: '/version', message: 'must be string,null' }], truncated: false } });
    expect(refusedInStrictMode(verdict)).toBe(false);
    expect(refusedInStrictMode(checkDelivery(terraProvider, 'sleep', terraSamples.sleep()))).toBe(false);
  });

  it('gate failures and unknown types are refused in strict mode', () => {
    const invalid = checkDelivery(terraProvider, 'sleep', { type: 'sleep', data: [] });
    expect(invalid).toEqual({ kind: 'invalid', issues: [{ path: '/', message: 'must have property "user"' }] });
    expect(refusedInStrictMode(invalid)).toBe(true);
    const unknown = checkDelivery(terraProvider, 'brand_new', { type: 'brand_new' });
    expect(unknown).toEqual({ kind: 'unknown' });
    expect(refusedInStrictMode(unknown)).toBe(true);
  });
});

describe('classifyDelivery', () => {
  it('builds the typed event with the drift and the stored delivery context', () => {
    const payload = terraSamples.activity({ version: 7 as never });
    const delivery = classifyDelivery(terraProvider, { ...input('activity', payload), context: { reference: 'r-1' } });
    expect(delivery.kind).toBe('event');
    if (delivery.kind !== 'event') return;
    expect(delivery.drift?.issues).toEqual([{ path: '/version', message: 'must be string,null' }]);
    expect(delivery.event).toMatchObject({ type: 'activity', reference: 'r-1', drift: delivery.drift });
  });

  it('a worker passes the stored drift instead of validating again, and builds the same event', () => {
    const payload = terraSamples.activity({ version: 7 as never });
    const atReceipt = classifyDelivery(terraProvider, input('activity', payload));
    const stored = JSON.parse(JSON.stringify(atReceipt.kind === 'event' ? atReceipt.drift : undefined)) as never;
    const inWorker = classifyDelivery(terraProvider, input('activity', JSON.parse(JSON.stringify(payload))), storedVerdict(stored));
    expect(JSON.stringify(inWorker.event)).toBe(JSON.stringify(atReceipt.event));
  });

  it('quarantines gate failures with their issues and unknown types as they are', () => {
    expect(classifyDelivery(terraProvider, input('sleep', { type: 'sleep' }))).toMatchObject({
      kind: 'invalid',
      event: { provider: 'terra', type: 'sleep', deliveryKey: 'terra:k', issues: [{ path: '/', message: 'must have property "user"' }] },
    });
    expect(classifyDelivery(terraProvider, input('brand_new', { type: 'brand_new' }))).toMatchObject({ kind: 'unknown', event: { type: 'brand_new' } });
  });
});
