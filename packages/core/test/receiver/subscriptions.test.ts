import { describe, expect, it } from 'vitest';
import { createThryveReceiver, withSubscriptions, type ThryveEventMap } from '../../src/index.js';
import { EventHub } from '../../src/events/event-hub.js';
import { thryveSamples, thryveTestDelivery } from '../../src/testing/index.js';

const SECRET = 'subscriptions-secret';
const event = (type: string) => ({ type });

describe('subscriptions', () => {
  it('ignores an async onError handler that rejects, as one that throws: no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const receiver = createThryveReceiver({ secret: SECRET, logger: false });
      receiver.onError(async () => {
        await Promise.resolve();
        throw new Error('alerting is down');
      });
      // Anyone can send this: no signature, so 401, reported to onError.
      const response = await receiver.handle({ method: 'POST', headers: { 'content-type': 'application/json' }, body: { kind: 'buffer', buffer: Buffer.from('{}') } });
      expect(response.status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('logs a valid event that no handler takes (no_handler), at the 1st, 10th, 100th... sighting', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = { info() {}, warn: (object: Record<string, unknown>) => void lines.push(object), error() {} };
    const receiver = createThryveReceiver({ secret: SECRET, logger });
    receiver.on('event.data.daily.create', () => {});
    for (let i = 0; i < 10; i++) {
      const payload = { ...thryveSamples['event.data.epoch.create'](), endUserAlias: `alias-${i}` };
      const delivery = thryveTestDelivery('event.data.epoch.create', { secret: SECRET, payload });
      expect((await receiver.handle({ method: 'POST', headers: delivery.headers, body: { kind: 'buffer', buffer: delivery.body } })).status).toBe(204);
    }
    expect(lines.map((line) => [line.code, line.eventType, line.count])).toEqual([
      ['no_handler', 'event.data.epoch.create', 1],
      ['no_handler', 'event.data.epoch.create', 10],
    ]);
  });

  it('off removes a typed handler, from one type or several', async () => {
    const hub = new EventHub<Record<'a' | 'b', { type: string }>>();
    const seen: string[] = [];
    const handler = (e: { type: string }) => void seen.push(e.type);
    hub.on(['a', 'b'], handler);
    await hub.emitEvent(event('a'));
    hub.off('a', handler);
    await hub.emitEvent(event('a'));
    await hub.emitEvent(event('b'));
    hub.off(['b'], handler);
    await hub.emitEvent(event('b'));
    expect(seen).toEqual(['a', 'b']);
  });

  it('removes one subscription per off, the catch-alls included, and ignores handlers not subscribed', async () => {
    const hub = new EventHub<Record<'a', { type: string }>>();
    let any = 0;
    let unknown = 0;
    let errors = 0;
    const onAny = () => void (any += 1);
    const onUnknown = () => void (unknown += 1);
    const onError = () => void (errors += 1);
    hub.onAny(onAny).onAny(onAny).onUnknown(onUnknown).onError(onError);
    hub.offAny(onAny).offAny(() => {});
    await hub.emitEvent(event('a'));
    expect(any).toBe(1);
    hub.offAny(onAny).offUnknown(onUnknown).offError(onError);
    await hub.emitEvent(event('a'));
    await hub.emitUnknown({ provider: 'thryve', type: 'x', deliveryKey: 'k', receivedAt: new Date(), payload: {} });
    hub.reportError({ provider: 'thryve', phase: 'request', error: new Error('x') });
    expect([any, unknown, errors]).toEqual([1, 0, 0]);
  });

  it('lets a handler unsubscribe while handlers run: the running emit keeps its list', async () => {
    const hub = new EventHub<Record<'a', { type: string }>>();
    const calls: string[] = [];
    const second = () => void calls.push('second');
    hub.on('a', () => {
      calls.push('first');
      hub.off('a', second);
    });
    hub.on('a', second);
    await hub.emitEvent(event('a'));
    await hub.emitEvent(event('a'));
    expect(calls).toEqual(['first', 'second', 'first']);
  });

  it('is the same API on a receiver and on a framework middleware, chaining on the object called', async () => {
    const receiver = createThryveReceiver({ secret: SECRET });
    const middleware = withSubscriptions(() => {}, receiver);
    const seen: string[] = [];
    const handler = (e: ThryveEventMap['event.data.epoch.create']) => void seen.push(e.type);
    expect(middleware.on('event.data.epoch.create', handler)).toBe(middleware);
    expect(receiver.onAny(() => void seen.push('any'))).toBe(receiver);
    expect(middleware.receiver).toBe(receiver);
    const delivery = thryveTestDelivery('event.data.epoch.create', { secret: SECRET, payload: thryveSamples['event.data.epoch.create']() });
    const request = { method: 'POST', headers: delivery.headers, body: { kind: 'buffer', buffer: delivery.body } } as const;
    await receiver.handle(request);
    expect(middleware.off('event.data.epoch.create', handler)).toBe(middleware);
    await receiver.handle(request);
    expect(seen).toEqual(['event.data.epoch.create', 'any', 'any']);
  });
});
