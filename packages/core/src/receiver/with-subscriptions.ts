import type { EventSubscriptions } from '../events/event-hub.js';
import type { Receiver } from './receiver.js';

/** A framework middleware that is also the receiver's subscription API: `thryve.on(...)`. */
export type WithSubscriptions<Middleware, EventMap> = Middleware &
  EventSubscriptions<EventMap> & {
    /** The framework-neutral receiver behind the middleware. */
    readonly receiver: Receiver<EventMap>;
  };

/** Gives a middleware function the receiver's `on`, `onAny`, `onUnknown`, `onInvalid` and `onError`. */
export function withSubscriptions<Middleware extends object, EventMap>(
  middleware: Middleware,
  receiver: Receiver<EventMap>,
): WithSubscriptions<Middleware, EventMap> {
  const subscriptions: EventSubscriptions<EventMap> & { receiver: Receiver<EventMap> } = {
    receiver,
    on(type, handler) {
      receiver.on(type, handler);
      return this;
    },
    onAny(handler) {
      receiver.onAny(handler);
      return this;
    },
    onUnknown(handler) {
      receiver.onUnknown(handler);
      return this;
    },
    onInvalid(handler) {
      receiver.onInvalid(handler);
      return this;
    },
    onError(handler) {
      receiver.onError(handler);
      return this;
    },
  };
  return Object.assign(middleware, subscriptions);
}
