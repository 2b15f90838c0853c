import { describe, expect, it } from 'vitest';
import { createThryveReceiver, HandlerTimeoutError, type ErrorEvent } from '../../src/index.js';
import { thryveTestDelivery } from '../../src/testing/index.js';
import { createMemoryStore } from '../../src/stores/index.js';

const SECRET = 'handler-timeout-secret';

function request() {
  const delivery = thryveTestDelivery('event.data.epoch.create', { secret: SECRET });
  return { method: 'POST', headers: delivery.headers, body: { kind: 'buffer', buffer: delivery.body } } as const;
}

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const write = (object: Record<string, unknown>) => void lines.push(object);
  return { lines, logger: { info: write, warn: write, error: write } };
}

describe('without a store, handlerTimeoutMs', () => {
  it('answers 500 handler_timeout once the handlers outlast it, and reports and logs it', async () => {
    const { lines, logger } = capturingLogger();
    const errors: ErrorEvent[] = [];
    const receiver = createThryveReceiver({ secret: SECRET, handlerTimeoutMs: 50, logger })
      .on('event.data.epoch.create', () => new Promise<void>(() => {}))
      .onError((event) => void errors.push(event));
    const started = performance.now();
    const response = await receiver.handle(request());
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(response.status).toBe(500);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ error: { code: 'handler_timeout' } });
    expect(errors.map((e) => [e.phase, (e.error as Error).name])).toEqual([
      ['handler', 'HandlerTimeoutError'],
      ['request', 'WebhookError'],
    ]);
    expect(errors[0]).toMatchObject({ provider: 'thryve', eventType: 'event.data.epoch.create' });
    expect(errors[0]?.error).toBeInstanceOf(HandlerTimeoutError);
    expect(lines.map((line) => [line.code, line.errorCode])).toEqual([
      ['handler_failed', undefined],
      ['delivery_refused', 'handler_timeout'],
    ]);
  });

  it('leaves handlers that finish in time alone: 204', async () => {
    const receiver = createThryveReceiver({ secret: SECRET, handlerTimeoutMs: 1_000, logger: false }).on(
      'event.data.epoch.create',
      () => new Promise<void>((resolve) => setTimeout(resolve, 20)),
    );
    expect((await receiver.handle(request())).status).toBe(204);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s at construction', (value) => {
    expect(() => createThryveReceiver({ secret: SECRET, handlerTimeoutMs: value })).toThrow(/handlerTimeoutMs must be a positive integer/);
  });

  // Node runs a timer of more than 2^31 - 1 ms after 1 ms: "never time out" would fail every delivery.
  it('refuses a time longer than a timer can wait, with or without a store', () => {
    expect(() => createThryveReceiver({ secret: SECRET, handlerTimeoutMs: 2 ** 31 })).toThrow(/at most 2147483647 ms/);
    expect(() => createThryveReceiver({ secret: SECRET, store: createMemoryStore(), worker: { handlerTimeoutMs: 2 ** 31 } })).toThrow(
      /at most 2147483647 ms/,
    );
    expect(() => createThryveReceiver({ secret: SECRET, handlerTimeoutMs: 2 ** 31 - 1, logger: false })).not.toThrow();
  });

  it('works where timers have no unref (Workers, browsers: setTimeout returns a number)', async () => {
    const realSet = globalThis.setTimeout;
    const realClear = globalThis.clearTimeout;
    const timers = new Map<number, ReturnType<typeof setTimeout>>();
    let nextId = 1;
    globalThis.setTimeout = ((handler: () => void, ms?: number) => {
      const id = nextId++;
      timers.set(id, realSet(handler, ms));
      return id;
    }) as unknown as typeof setTimeout;
    globalThis.clearTimeout = ((id: number) => realClear(timers.get(id))) as unknown as typeof clearTimeout;
    try {
      const receiver = createThryveReceiver({ secret: SECRET, handlerTimeoutMs: 1_000, logger: false }).on('event.data.epoch.create', () => {});
      expect((await receiver.handle(request())).status).toBe(204);
    } finally {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    }
  });
});
