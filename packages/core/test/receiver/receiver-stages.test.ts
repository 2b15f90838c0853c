import { DeliveryLog } from '../../src/logging/delivery-log.js';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { basicAuth } from '../../src/auth/basic-auth.js';
import { hmacSignature } from '../../src/auth/hmac-signature.js';
import { signHmac } from '../../src/auth/sign.js';
import { EventHub } from '../../src/events/event-hub.js';
import type { Dispatcher, LocalReservation } from '../../src/inbox/dispatcher.js';
import type { ProviderDispatch } from '../../src/inbox/provider-dispatch.js';
import { terraProvider } from '../../src/providers/terra/provider.js';
import { thryveProvider } from '../../src/providers/thryve/provider.js';
import { thryveSamples } from '../../src/providers/thryve/samples.js';
import { acknowledgeNow } from '../../src/receiver/acknowledge-now.js';
import { classify, parse, type ReceivedDelivery } from '../../src/receiver/payload-stages.js';
import { persistThenAcknowledge } from '../../src/receiver/persist-then-acknowledge.js';
import { createPipeline } from '../../src/receiver/pipeline.js';
import { receiveDelivery } from '../../src/receiver/receive-delivery.js';
import {
  authenticateDecoded,
  authenticateHeaders,
  authenticateWire,
  checkMethodAndType,
  decode,
  readWireBody,
} from '../../src/receiver/request-stages.js';
import { createMemoryStore } from '../../src/stores/memory-store.js';
import { StoreUnavailableError } from '../../src/stores/store-unavailable-error.js';

const SECRET = 'stage-secret';
const NOW = Date.parse('2026-01-01T00:00:00Z');
const pipeline = createPipeline(thryveProvider, { authenticators: [hmacSignature({ secrets: SECRET })], clock: () => NOW });
const strictPipeline = createPipeline(thryveProvider, { authenticators: [], strict: true });
const JSON_HEADERS = { 'content-type': 'application/json' };

/** The code a stage refuses with. */
async function codeOf(stage: () => unknown): Promise<string | undefined> {
  try {
    await stage();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

function received(overrides: Partial<ReceivedDelivery> = {}): ReceivedDelivery {
  const payload = thryveSamples['event.data.epoch.create']();
  return { type: payload.type, payload, deliveryKey: 'thryve:k', receivedAt: new Date(NOW), ...overrides };
}

describe('request stages', () => {
  it('checkMethodAndType: POSTs of JSON only', async () => {
    expect(await codeOf(() => checkMethodAndType({ method: 'post', headers: JSON_HEADERS }))).toBeUndefined();
    expect(await codeOf(() => checkMethodAndType({ method: 'POST', headers: {} }))).toBeUndefined();
    expect(await codeOf(() => checkMethodAndType({ method: 'GET', headers: JSON_HEADERS }))).toBe('method_not_allowed');
    expect(await codeOf(() => checkMethodAndType({ method: 'POST', headers: { 'content-type': 'text/plain' } }))).toBe('unsupported_media_type');
  });

  it('authenticateHeaders decides what the headers alone can, without a body', async () => {
    const basic = createPipeline(thryveProvider, { authenticators: [basicAuth({ username: 'u', password: 'p' }), hmacSignature({ secrets: SECRET })] });
    expect(await codeOf(() => authenticateHeaders(basic, {}, NOW))).toBe('missing_signature');
    const authorization = `Basic ${Buffer.from('u:p').toString('base64')}`;
    // The HMAC over the body cannot be checked yet, but a missing or unparseable signature header can.
    expect(await codeOf(() => authenticateHeaders(basic, { authorization }, NOW))).toBe('missing_signature');
    expect(await codeOf(() => authenticateHeaders(basic, { authorization, 'x-hmac-signature': 'zz' }, NOW))).toBe('malformed_signature');
    // A well-formed signature passes here, right or wrong: only the bytes can tell.
    expect(await codeOf(() => authenticateHeaders(basic, { authorization, 'x-hmac-signature': 'ab'.repeat(32) }, NOW))).toBeUndefined();
  });

  it('readWireBody enforces the wire limit', async () => {
    const small = createPipeline(thryveProvider, { authenticators: [], limits: { maxWireBytes: 4 } });
    const body = { kind: 'buffer', buffer: Buffer.from('{"a":1}') } as const;
    expect(await codeOf(() => readWireBody(small, { headers: {}, body }))).toBe('body_too_large');
    expect((await readWireBody(pipeline, { headers: {}, body })).toString()).toBe('{"a":1}');
  });

  it('authenticateWire checks the signature over the bytes as sent, authenticateDecoded over the decoded ones', async () => {
    const wire = gzipSync('{"a":1}');
    const headers = { 'x-hmac-signature': signHmac(SECRET, wire, {}), 'content-encoding': 'gzip' };
    expect(await codeOf(() => authenticateWire(pipeline, headers, wire, NOW))).toBeUndefined();
    expect(await codeOf(() => authenticateWire(pipeline, headers, Buffer.from('{"a":1}'), NOW))).toBe('invalid_signature');
    const decoded = await decode(pipeline, headers, wire);
    expect(decoded.toString()).toBe('{"a":1}');
    // No decoded-bytes scheme is configured for this pipeline: nothing to refuse.
    expect(await codeOf(() => authenticateDecoded(pipeline, headers, decoded, NOW))).toBeUndefined();
    expect(await codeOf(() => decode(pipeline, { 'content-encoding': 'br2' }, wire))).toBe('unsupported_content_encoding');
  });
});

describe('payload stages', () => {
  it('parse: JSON with the provider envelope', () => {
    expect(parse(thryveProvider, '{"type":"event.data.epoch.create"}').type).toBe('event.data.epoch.create');
    expect(() => parse(thryveProvider, '{"type":')).toThrow(expect.objectContaining({ code: 'invalid_json' }));
    expect(() => parse(terraProvider, '[1]')).toThrow(expect.objectContaining({ code: 'invalid_envelope' }));
  });

  it('classify: a valid event is not built, unknown and invalid ones are quarantined or refused when strict', () => {
    expect(classify(pipeline, received()).quarantine).toBeUndefined();
    const unknown = received({ type: 'event.data.other' });
    expect(classify(pipeline, unknown).quarantine?.kind).toBe('unknown');
    expect(() => classify(strictPipeline, unknown)).toThrow(expect.objectContaining({ code: 'unknown_event_type' }));
    // The error body never echoes the payload, the type included.
    const sneaky = received({ type: 'event.data.<script>' });
    expect(() => classify(strictPipeline, sneaky)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('script') }));
    const invalid = received({ payload: { type: 'event.data.epoch.create' } });
    expect(classify(pipeline, invalid).quarantine?.kind).toBe('invalid');
    expect(() => classify(strictPipeline, invalid)).toThrow(expect.objectContaining({ code: 'invalid_payload' }));
    // The path names the payload's own keys: for onError (the cause), not for the response body.
    const oddKey = received({ payload: { ...received().payload as object, data: { '<key>': 1 } } });
    const refusal = (() => {
      try {
        classify(strictPipeline, oddKey);
      } catch (error) {
        return error as Error;
      }
      return undefined;
    })();
    expect(refusal?.message).not.toContain('/');
    expect(String((refusal?.cause as Error | undefined)?.message)).toMatch(/^First problem: \//);
  });
});

describe('acknowledgeNow', () => {
  it('runs the handlers before answering and asks for a retry when one fails', async () => {
    const hub = new EventHub<unknown>();
    const seen: string[] = [];
    hub.onAny((event) => void seen.push((event as { type: string }).type));
    const acknowledger = acknowledgeNow(thryveProvider, hub, new DeliveryLog(false));
    expect((await acknowledger.acknowledge({ received: received(), quarantine: undefined }, undefined)).status).toBe(204);
    expect(seen).toEqual(['event.data.epoch.create']);
    hub.onAny(() => {
      throw new Error('boom');
    });
    await expect(acknowledger.acknowledge({ received: received(), quarantine: undefined }, undefined)).rejects.toMatchObject({ code: 'handler_failed' });
  });
});

describe('persistThenAcknowledge', () => {
  /** A worker that only hands out reservations and records what becomes of them. */
  function fakeWorker() {
    const log: string[] = [];
    const worker = {
      workerId: 'w',
      reserve: (): LocalReservation => ({
        lease: { workerId: 'w', leaseMs: 1000 },
        fill: (delivery) => void log.push(`fill ${delivery.id}`),
        cancel: () => void log.push('cancel'),
      }),
      wake: () => void log.push('wake'),
    } as unknown as Dispatcher;
    return { worker, log };
  }
  const dispatch: ProviderDispatch = { stored: async () => {}, received: async () => {} };

  it('leases a new event to the local worker, and gives the room back for a duplicate', async () => {
    const store = createMemoryStore();
    const { worker, log } = fakeWorker();
    const acknowledger = persistThenAcknowledge({ provider: 'thryve', store, hub: new EventHub(), dispatch, worker, log: new DeliveryLog(false) });
    const delivery = { received: received({ context: { a: 'b' } }), quarantine: undefined };
    expect((await acknowledger.acknowledge(delivery, '{"stored":1}')).status).toBe(204);
    expect((await acknowledger.acknowledge(delivery, '{"stored":1}')).status).toBe(204);
    expect(log).toEqual(['fill 1', 'cancel']);
    expect(await store.get('thryve', 'thryve:k')).toMatchObject({ leaseOwner: 'w', attempts: 1, body: '{"stored":1}', context: { a: 'b' } });
  });

  it('wakes the poller when there is no room, and surfaces quarantined deliveries without leasing them', async () => {
    const store = createMemoryStore();
    const { worker, log } = fakeWorker();
    (worker as { reserve: () => undefined }).reserve = () => undefined;
    const hub = new EventHub<unknown>();
    const unknown: string[] = [];
    hub.onUnknown((event) => void unknown.push(event.type));
    const acknowledger = persistThenAcknowledge({ provider: 'thryve', store, hub, dispatch, worker, log: new DeliveryLog(false) });
    await acknowledger.acknowledge({ received: received(), quarantine: undefined }, '{}');
    const strange = received({ type: 'event.data.other', deliveryKey: 'thryve:q' });
    await acknowledger.acknowledge(classify(pipeline, strange), '{}');
    expect(log).toEqual(['wake']);
    expect(unknown).toEqual(['event.data.other']);
    expect(await store.get('thryve', 'thryve:q')).toMatchObject({ state: 'quarantined', leaseOwner: undefined });
  });

  it('answers store_unavailable and cancels the reservation when the store fails', async () => {
    const store = createMemoryStore();
    await store.close();
    const { worker, log } = fakeWorker();
    const acknowledger = persistThenAcknowledge({ provider: 'thryve', store, hub: new EventHub(), dispatch, worker, log: new DeliveryLog(false) });
    await expect(acknowledger.acknowledge({ received: received(), quarantine: undefined }, '{}')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(log).toEqual(['cancel']);
  });
});

describe('receiveDelivery', () => {
  it('runs the stages in order into the acknowledger, with the provider context', async () => {
    const body = Buffer.from(JSON.stringify(thryveSamples['event.data.epoch.create']()));
    const headers = { ...JSON_HEADERS, 'x-hmac-signature': signHmac(SECRET, body, {}) };
    const seen: unknown[] = [];
    const response = await receiveDelivery(pipeline, { method: 'POST', headers, body: { kind: 'buffer', buffer: body } }, {
      keepsText: true,
      acknowledge: async (classified, text) => {
        seen.push(classified.received.type, classified.received.receivedAt.getTime(), text === body.toString());
        return { status: 299, headers: {}, body: undefined };
      },
    });
    expect(response.status).toBe(299);
    expect(seen).toEqual(['event.data.epoch.create', NOW, true]);
  });
});
