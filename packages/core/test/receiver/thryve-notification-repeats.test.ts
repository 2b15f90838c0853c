import { afterEach, describe, expect, it } from 'vitest';
import { createThryveReceiver, type Receiver, type ThryveEventMap } from '../../src/index.js';
import { createMemoryStore, type WebhookStore } from '../../src/stores/index.js';
import { thryveTestDelivery } from '../../src/testing/index.js';

const SECRET = 'repeat-secret';
const MINUTE = 60_000;
const T0 = Date.parse('2030-01-01T10:00:00Z');

const receivers: Receiver<unknown>[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close({ graceful: false })));
});

/** A receiver with a store and a clock the test moves, counting the events its handlers see. */
function receiverAt(store: WebhookStore, options: { notificationRepeatWindowMs?: number } = {}) {
  let now = T0;
  const seen: string[] = [];
  const receiver = createThryveReceiver({ secret: SECRET, store, clock: () => now, worker: { pollIntervalMs: 60 * MINUTE }, ...options });
  receiver.onAny((event) => void seen.push(event.type));
  receivers.push(receiver as Receiver<unknown>);
  return {
    seen,
    at: (ms: number) => (now = T0 + ms),
    /** The same body each time (no timestamp header, so nothing in the request changes). */
    send: (delivery: { body: Buffer; headers: Record<string, string> }) =>
      (receiver as Receiver<ThryveEventMap>).handle({ method: 'POST', headers: delivery.headers, body: { kind: 'buffer', buffer: delivery.body } }),
  };
}

/** Waits until `seen` has `count` events, then a little longer, so an extra dispatch would show. */
async function dispatched(seen: readonly string[], count: number): Promise<void> {
  for (let i = 0; i < 400 && seen.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('Thryve notifications repeated with identical bodies', () => {
  const notification = thryveTestDelivery('notification.data.daily.createupdate', { secret: SECRET, timestamp: false, compress: false });

  it('takes a repeat within the window as a retry, and one after it as a new notification', async () => {
    const store = createMemoryStore();
    const app = receiverAt(store);
    expect((await app.send(notification)).status).toBe(204);
    app.at(MINUTE); // a retry of the same notification: acknowledged, not dispatched
    expect((await app.send(notification)).status).toBe(204);
    app.at(25 * MINUTE); // the same day's data changed again: dispatched
    expect((await app.send(notification)).status).toBe(204);
    await dispatched(app.seen, 2);
    expect(app.seen).toEqual(['notification.data.daily.createupdate', 'notification.data.daily.createupdate']);
  });

  it('keeps data pushes known by their body alone, and notifications too with an infinite window', async () => {
    const push = thryveTestDelivery('event.data.daily.create', { secret: SECRET, timestamp: false, compress: false });
    const store = createMemoryStore();
    const app = receiverAt(store, { notificationRepeatWindowMs: Number.POSITIVE_INFINITY });
    await app.send(push);
    await app.send(notification);
    app.at(3 * 24 * 60 * MINUTE);
    await app.send(push);
    await app.send(notification);
    await dispatched(app.seen, 2);
    expect(app.seen.sort()).toEqual(['event.data.daily.create', 'notification.data.daily.createupdate']);
  });

  it('refuses a window that is not a positive number', () => {
    for (const notificationRepeatWindowMs of [0, -1, Number.NaN]) {
      expect(() => createThryveReceiver({ secret: SECRET, notificationRepeatWindowMs })).toThrow(/notificationRepeatWindowMs/);
    }
  });
});
