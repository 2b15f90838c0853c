import { describe, expect, it } from 'vitest';
import { terraDeliveryKey, terraReference, terraTraceId } from '../../../src/providers/terra/delivery-key.js';
import { terraProvider } from '../../../src/providers/terra/provider.js';
import { terraSamples } from '../../../src/providers/terra/samples.js';

const body = Buffer.from(JSON.stringify(terraSamples.activity()));

describe('terraDeliveryKey', () => {
  it('ignores the unsigned X-Terra-Trace-Id (issue 10, D6); the trace id stays readable for correlation', () => {
    const byBody = terraDeliveryKey({}, body);
    expect(terraProvider.deliveryKey({ 'x-terra-trace-id': '9a1c7e52-5b0f' }, body)).toBe(byBody);
    expect(terraDeliveryKey({ 'x-terra-trace-id': 'another-id' }, body)).toBe(byBody);
    expect(terraTraceId({ 'x-terra-trace-id': ' 9a1c7e52-5b0f ' })).toBe('9a1c7e52-5b0f');
    expect(terraTraceId({})).toBeUndefined();
  });

  it('is the SHA-256 of the decoded body', () => {
    expect(terraDeliveryKey({}, Buffer.from('{}'))).toBe('terra:sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(terraDeliveryKey({ 'x-terra-trace-id': '  ' }, Buffer.from('{}'))).toBe(terraDeliveryKey({}, Buffer.from('{}')));
    const other = Buffer.from(body);
    other[other.length - 2] = 0x20;
    expect(terraDeliveryKey({}, other)).not.toBe(terraDeliveryKey({}, body));
  });

  it('does not use terra-reference: chunks of one large request are distinct deliveries', () => {
    const chunk = (index: number) => Buffer.from(JSON.stringify({ ...terraSamples.activity(), chunk: index }));
    const headers = { 'terra-reference': 'd3f1a9c2' };
    expect(terraDeliveryKey(headers, chunk(1))).not.toBe(terraDeliveryKey(headers, chunk(2)));
    expect(terraDeliveryKey(headers, chunk(1))).toMatch(/^terra:sha256:/);
    expect(terraReference(headers)).toBe('d3f1a9c2');
    expect(terraReference({})).toBeUndefined();
  });
});
