import type { DriftEvent, ErrorEvent, InvalidDeliveryEvent, UnknownDeliveryEvent } from './delivery-events.js';

export type Handler<E> = (event: E) => void | Promise<void>;

/** A handler that threw or rejected, with what it was handling. */
export interface HandlerFailure {
  readonly error: unknown;
  readonly eventType: string;
}

/**
 * The subscription side of a receiver. `EventMap` maps each provider-native event name to its typed
 * event, so `on('event.data.epoch.create', e => ...)` types `e` by the name. Every method returns the
 * object it was called on, for chaining. `off*` removes one subscription of that exact handler (the
 * most recent one when it was subscribed twice); removing a handler that is not subscribed does nothing.
 */
export interface EventSubscriptions<EventMap> {
  /** Handles one event type, or several. */
  on<Name extends keyof EventMap & string>(type: Name | readonly Name[], handler: Handler<EventMap[Name]>): this;
  /** Stops handling the type (or types) with that handler. */
  off<Name extends keyof EventMap & string>(type: Name | readonly Name[], handler: Handler<EventMap[Name]>): this;
  /** Handles every valid event of a known type. */
  onAny(handler: Handler<EventMap[keyof EventMap]>): this;
  offAny(handler: Handler<EventMap[keyof EventMap]>): this;
  /** Handles deliveries of event types the provider is not known to send. */
  onUnknown(handler: Handler<UnknownDeliveryEvent>): this;
  offUnknown(handler: Handler<UnknownDeliveryEvent>): this;
  /** Handles deliveries of known types whose payload failed the schema. */
  onInvalid(handler: Handler<InvalidDeliveryEvent>): this;
  offInvalid(handler: Handler<InvalidDeliveryEvent>): this;
  /**
   * Observes typed events whose payload differs from the provider's published schema (once per
   * delivery, at receipt); the event itself still reaches `on(type)` with the same `drift`.
   */
  onDrift(handler: Handler<DriftEvent>): this;
  offDrift(handler: Handler<DriftEvent>): this;
  /** Observes refused requests and failed handlers; what it throws or rejects with is ignored. */
  onError(handler: (event: ErrorEvent) => void): this;
  offError(handler: (event: ErrorEvent) => void): this;
}

/** The names of `EventSubscriptions`' methods: what `forwardSubscriptions` forwards. */
const SUBSCRIPTION_METHODS = ['on', 'off', 'onAny', 'offAny', 'onUnknown', 'offUnknown', 'onInvalid', 'offInvalid', 'onDrift', 'offDrift', 'onError', 'offError'] as const;

/**
 * The subscription methods of an object that forwards them to `target` (a receiver to its hub, a
 * framework middleware to its receiver), each returning the object it is called on. The one place
 * the subscription API is implemented besides `EventHub`, so adding a method to it means adding its
 * name to `SUBSCRIPTION_METHODS`.
 */
export function forwardSubscriptions<EventMap>(target: EventSubscriptions<EventMap>): EventSubscriptions<EventMap> {
  const methods: Record<string, unknown> = {};
  for (const name of SUBSCRIPTION_METHODS) {
    const method = target[name] as (...args: unknown[]) => unknown;
    methods[name] = function forwarded(this: unknown, ...args: unknown[]) {
      method.apply(target, args);
      return this;
    };
  }
  return methods as unknown as EventSubscriptions<EventMap>;
}

type AnyHandler = Handler<never>;

/**
 * Keeps handlers and runs them. Handlers for one event run concurrently and are all awaited; every
 * failure is collected and returned, never swallowed, so the caller can answer 5xx or retry.
 *
 * The handler lists are copied on every change, never changed in place: an emit already running goes
 * on with the list it started with, so subscribing or unsubscribing while handlers run takes effect
 * from the next event, and emitting needs no copy.
 */
export class EventHub<EventMap> implements EventSubscriptions<EventMap> {
  private byType = new Map<string, readonly AnyHandler[]>();
  private anyHandlers: readonly AnyHandler[] = [];
  private unknownHandlers: readonly Handler<UnknownDeliveryEvent>[] = [];
  private invalidHandlers: readonly Handler<InvalidDeliveryEvent>[] = [];
  private driftHandlers: readonly Handler<DriftEvent>[] = [];
  private errorHandlers: readonly ((event: ErrorEvent) => void)[] = [];

  /**
   * @param observeError sees every reported error before the `onError` handlers (the receiver's
   *   logger, so nothing is dropped silently whether or not the app subscribed).
   * @param observeUnhandled sees each valid event that no `on(type)` or `onAny` handler takes (the
   *   receiver's logger: such an event is handled by nothing, and its delivery completes all the same).
   */
  constructor(
    private readonly observeError?: (event: ErrorEvent) => void,
    private readonly observeUnhandled?: (event: { readonly type: string; readonly deliveryKey?: string }) => void,
  ) {}

  on<Name extends keyof EventMap & string>(type: Name | readonly Name[], handler: Handler<EventMap[Name]>): this {
    for (const name of typeof type === 'string' ? [type] : type) {
      this.byType.set(name, [...(this.byType.get(name) ?? []), handler as AnyHandler]);
    }
    return this;
  }

  off<Name extends keyof EventMap & string>(type: Name | readonly Name[], handler: Handler<EventMap[Name]>): this {
    for (const name of typeof type === 'string' ? [type] : type) {
      const list = without(this.byType.get(name) ?? [], handler as AnyHandler);
      if (list.length === 0) this.byType.delete(name);
      else this.byType.set(name, list);
    }
    return this;
  }

  onAny(handler: Handler<EventMap[keyof EventMap]>): this {
    this.anyHandlers = [...this.anyHandlers, handler as AnyHandler];
    return this;
  }

  offAny(handler: Handler<EventMap[keyof EventMap]>): this {
    this.anyHandlers = without(this.anyHandlers, handler as AnyHandler);
    return this;
  }

  onUnknown(handler: Handler<UnknownDeliveryEvent>): this {
    this.unknownHandlers = [...this.unknownHandlers, handler];
    return this;
  }

  offUnknown(handler: Handler<UnknownDeliveryEvent>): this {
    this.unknownHandlers = without(this.unknownHandlers, handler);
    return this;
  }

  onInvalid(handler: Handler<InvalidDeliveryEvent>): this {
    this.invalidHandlers = [...this.invalidHandlers, handler];
    return this;
  }

  offInvalid(handler: Handler<InvalidDeliveryEvent>): this {
    this.invalidHandlers = without(this.invalidHandlers, handler);
    return this;
  }

  onDrift(handler: Handler<DriftEvent>): this {
    this.driftHandlers = [...this.driftHandlers, handler];
    return this;
  }

  offDrift(handler: Handler<DriftEvent>): this {
    this.driftHandlers = without(this.driftHandlers, handler);
    return this;
  }

  onError(handler: (event: ErrorEvent) => void): this {
    this.errorHandlers = [...this.errorHandlers, handler];
    return this;
  }

  offError(handler: (event: ErrorEvent) => void): this {
    this.errorHandlers = without(this.errorHandlers, handler);
    return this;
  }

  /** Runs the handlers of a valid event: those for its type, then the catch-alls, all concurrently. */
  emitEvent(event: { readonly type: string; readonly deliveryKey?: string }): Promise<HandlerFailure[]> {
    const typed = this.byType.get(event.type);
    const handlers = typed === undefined ? this.anyHandlers : this.anyHandlers.length === 0 ? typed : [...typed, ...this.anyHandlers];
    if (handlers.length === 0) {
      try {
        this.observeUnhandled?.(event);
      } catch {
        // A failing logger must not fail the delivery.
      }
    }
    return run(handlers as Handler<unknown>[], event, event.type);
  }

  emitUnknown(event: UnknownDeliveryEvent): Promise<HandlerFailure[]> {
    return run(this.unknownHandlers as Handler<unknown>[], event, event.type);
  }

  emitInvalid(event: InvalidDeliveryEvent): Promise<HandlerFailure[]> {
    return run(this.invalidHandlers as Handler<unknown>[], event, event.type);
  }

  emitDrift(event: DriftEvent): Promise<HandlerFailure[]> {
    return run(this.driftHandlers as Handler<unknown>[], event, event.type);
  }

  reportError(event: ErrorEvent): void {
    try {
      this.observeError?.(event);
    } catch {
      // A failing logger must not turn an answered delivery into a crash either.
    }
    for (const handler of this.errorHandlers) {
      try {
        // The type says void, but an async function fits it: its rejection, left unhandled, ended the
        // process, and any unsigned request reaches here.
        const returned: unknown = handler(event);
        if (returned instanceof Promise) returned.catch(ignoreObserverFailure);
      } catch {
        // An error observer that fails must not turn an answered delivery into a crash.
      }
    }
  }
}

function ignoreObserverFailure(): void {
  // What an onError handler throws or rejects with has nowhere left to go.
}

/** The list without the last occurrence of `handler` (a new array; the same one when it is absent). */
function without<H>(list: readonly H[], handler: H): readonly H[] {
  const index = list.lastIndexOf(handler);
  return index < 0 ? list : [...list.slice(0, index), ...list.slice(index + 1)];
}

function run(handlers: readonly Handler<unknown>[], event: unknown, eventType: string): Promise<HandlerFailure[]> {
  const count = handlers.length;
  if (count === 0) return Promise.resolve([]);
  // One handler, the common case: no array of promises and no Promise.allSettled.
  if (count === 1) return runOne(handlers[0]!, event, eventType);
  return runAll(handlers, event, eventType);
}

async function runOne(handler: Handler<unknown>, event: unknown, eventType: string): Promise<HandlerFailure[]> {
  try {
    const result = handler(event);
    // Only a returned promise is awaited; a synchronous handler costs no extra turn of the microtask queue.
    if (isThenable(result)) await result;
    return [];
  } catch (error) {
    return [{ error, eventType }];
  }
}

async function runAll(handlers: readonly Handler<unknown>[], event: unknown, eventType: string): Promise<HandlerFailure[]> {
  const results = await Promise.allSettled(handlers.map(async (handler) => handler(event)));
  const failures: HandlerFailure[] = [];
  for (const result of results) {
    if (result.status === 'rejected') failures.push({ error: result.reason, eventType });
  }
  return failures;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
