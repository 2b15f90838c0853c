import { forwardSubscriptions, type EventSubscriptions } from '../events/event-hub.js';
import type { Receiver } from './receiver.js';

/** A framework middleware that is also the receiver's subscription API: `thryve.on(...)`. */
export type WithSubscriptions<Middleware, EventMap> = Middleware &
  EventSubscriptions<EventMap> & {
    /** The framework-neutral receiver behind the middleware. */
    readonly receiver: Receiver<EventMap>;
  };

/** Gives a middleware function the receiver's subscription methods (`on`, `off`, `onAny`, ...) and `receiver`. */
export function withSubscriptions<Middleware extends object, EventMap>(
  middleware: Middleware,
  receiver: Receiver<EventMap>,
): WithSubscriptions<Middleware, EventMap> {
  return Object.assign(middleware, forwardSubscriptions(receiver), { receiver });
}
