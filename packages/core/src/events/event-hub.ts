import type { ErrorEvent, InvalidDeliveryEvent, UnknownDeliveryEvent } from './delivery-events.js';

export type Handler<E> = (event: E) => void | Promise<void>;

/** A handler that threw or rejected, with what it was handling. */
export interface HandlerFailure {
  readonly error: unknown;
  readonly eventType: string;
}

/**
 * The subscription side of a receiver. `EventMap` maps each provider-native event name to its typed
 * event, so `on('event.data.epoch.create', e => ...)` types `e` by the name.
 */
export interface EventSubscriptions<EventMap> {
  /** Handles one event type, or several. */
  on<Name extends keyof EventMap & string>(type: Name | readonly Name[], handler: Handler<EventMap[Name]>): this;
  /** Handles every valid event of a known type. */
  onAny(handler: Handler<EventMap[keyof EventMap]>): this;
  /** Handles deliveries of event types the provider is not known to send. */
  onUnknown(handler: Handler<UnknownDeliveryEvent>): this;
  /** Handles deliveries of known types whose payload failed the schema. */
  onInvalid(handler: Handler<InvalidDeliveryEvent>): this;
  /** Observes refused requests and failed handlers; must not throw (what it throws is ignored). */
  onError(handler: (event: ErrorEvent) => void): this;
}

type AnyHandler = Handler<never>;

/**
 * Keeps handlers and runs them. Handlers for one event run concurrently and are all awaited; every
 * failure is collected and returned, never swallowed, so the caller can answer 5xx or retry.
 */
export class EventHub<EventMap> implements EventSubscriptions<EventMap> {
  private readonly byType = new Map<string, AnyHandler[]>();
  private readonly anyHandlers: AnyHandler[] = [];
  private readonly unknownHandlers: Handler<UnknownDeliveryEvent>[] = [];
  private readonly invalidHandlers: Handler<InvalidDeliveryEvent>[] = [];
  private readonly errorHandlers: ((event: ErrorEvent) => void)[] = [];

  on<Name extends keyof EventMap & string>(type: Name | readonly Name[], handler: Handler<EventMap[Name]>): this {
    for (const name of typeof type === 'string' ? [type] : type) {
      const list = this.byType.get(name) ?? [];
      list.push(handler as AnyHandler);
      this.byType.set(name, list);
    }
    return this;
  }

  onAny(handler: Handler<EventMap[keyof EventMap]>): this {
    this.anyHandlers.push(handler as AnyHandler);
    return this;
  }

  onUnknown(handler: Handler<UnknownDeliveryEvent>): this {
    this.unknownHandlers.push(handler);
    return this;
  }

  onInvalid(handler: Handler<InvalidDeliveryEvent>): this {
    this.invalidHandlers.push(handler);
    return this;
  }

  onError(handler: (event: ErrorEvent) => void): this {
    this.errorHandlers.push(handler);
    return this;
  }

  /** Runs the handlers of a valid event: those for its type, then the catch-alls, all concurrently. */
  emitEvent(event: { readonly type: string }): Promise<HandlerFailure[]> {
    const typed = this.byType.get(event.type);
    // No copy when one list is all there is: handlers are only ever appended, and `run` reads the
    // length once (`map` too), so one subscribed while these run waits for the next event, as with a copy.
    const handlers = typed === undefined ? this.anyHandlers : this.anyHandlers.length === 0 ? typed : [...typed, ...this.anyHandlers];
    return run(handlers as Handler<unknown>[], event, event.type);
  }

  emitUnknown(event: UnknownDeliveryEvent): Promise<HandlerFailure[]> {
    return run(this.unknownHandlers as Handler<unknown>[], event, event.type);
  }

  emitInvalid(event: InvalidDeliveryEvent): Promise<HandlerFailure[]> {
    return run(this.invalidHandlers as Handler<unknown>[], event, event.type);
  }

  reportError(event: ErrorEvent): void {
    for (const handler of this.errorHandlers) {
      try {
        handler(event);
      } catch {
        // An error observer that fails must not turn an answered delivery into a crash.
      }
    }
  }
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
