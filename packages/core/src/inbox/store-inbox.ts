import type { ProviderName } from '../events/webhook-event.js';
import { DEFAULT_BODY_RETENTION_MS, DEFAULT_RETENTION_MS, type ClaimedDelivery, type WebhookStore } from '../stores/webhook-store.js';
import {
  createDispatcher,
  validateDispatcherOptions,
  type Dispatcher,
  type DispatcherOptions,
  type DispatchErrorContext,
} from './dispatcher.js';
import { HandlersFailed, type ProviderDispatch } from './provider-dispatch.js';
import { schedulePurge } from './purge-schedule.js';

/** How a receiver's worker behaves (see `DispatcherOptions`), plus whether it starts by itself. */
export type InboxWorkerOptions = Omit<DispatcherOptions, 'store' | 'dispatch' | 'providers' | 'onError'> & {
  /**
   * Start polling when the receiver is created. Default `true`; `false` leaves it to you to call
   * `receiver.worker.start()`, or `drain()` in tests and scripts.
   */
  readonly autoStart?: boolean;
};

/** One receiver's part in the inbox of its store. */
export interface InboxMember {
  readonly provider: ProviderName;
  readonly dispatch: ProviderDispatch;
  /** Reports a worker or store error to this receiver's `onError` handlers. */
  readonly reportError: (error: unknown, context: DispatchErrorContext) => void;
  /** This receiver's worker options, or `false`: it does not dispatch in this process. */
  readonly worker: InboxWorkerOptions | false;
  readonly retentionMs?: number;
  readonly bodyRetentionMs?: number;
}

export interface InboxMembership {
  /** The worker shared by every receiver on this store in this process; `undefined` when `worker: false`. */
  readonly worker: Dispatcher | undefined;
  /** Leaves the inbox; the last receiver to leave stops the worker (see `Dispatcher.stop`) and the purge. */
  leave(options?: { readonly graceful?: boolean; readonly timeoutMs?: number }): Promise<void>;
}

/** The worker options every receiver with a worker agrees on (see `joinStoreInbox`). */
interface ReconciledWorker {
  readonly leaseMs: number | undefined;
  readonly handlerTimeoutMs: number | undefined;
  readonly maxAttempts: number | undefined;
  readonly concurrency: number | undefined;
  readonly maxQueued: number | undefined;
  readonly pollIntervalMs: number | undefined;
  readonly providers: readonly ProviderName[];
}

interface StoreInbox {
  readonly members: InboxMember[];
  /**
   * Worked out again whenever a receiver joins or leaves, not on each read: the dispatcher reads these
   * several times per delivery, and reconciling on every read cost ~3 KB of garbage per delivery.
   */
  worker: ReconciledWorker;
  dispatcher: Dispatcher | undefined;
  stopPurge: () => void;
}

/** One inbox per store object in the process: every receiver on that store joins it. */
const inboxes = new WeakMap<WebhookStore, StoreInbox>();

/**
 * Joins a receiver to the inbox of its store. However many receivers (thryve, terra, vital) share a
 * store, the process runs ONE worker loop for it, claiming for every provider whose receiver has a
 * worker and routing each claimed delivery to that provider's receiver, and ONE hourly purge.
 *
 * Their options are reconciled when one joins or leaves (a receiver's worker options are read then,
 * not on each use): the largest `leaseMs`, `handlerTimeoutMs`,
 * `maxAttempts`, `concurrency` and `maxQueued` and the smallest `pollIntervalMs` of the receivers with
 * a worker apply to all (no receiver gets less patience, fewer attempts or slower pickup than it asked
 * for); `workerId`, `backoff`, `now` and `random` are those of the first receiver with a worker; the
 * worker starts as soon as one of them has `autoStart` (the default). Retention is the longest any
 * receiver asked for. With several receivers of the same provider on one store, claimed deliveries go
 * to the earliest one still open (one receiver per provider per store is the intended setup).
 */
export function joinStoreInbox(store: WebhookStore, member: InboxMember): InboxMembership {
  if (member.worker !== false) validateDispatcherOptions(member.worker);
  let inbox = inboxes.get(store);
  if (inbox === undefined) {
    const created: StoreInbox = { members: [], worker: reconcile([]), dispatcher: undefined, stopPurge: () => {} };
    created.stopPurge = schedulePurge(store, {
      retentionMs: () => largest(created.members.map((m) => m.retentionMs)) ?? DEFAULT_RETENTION_MS,
      bodyRetentionMs: () => largest(created.members.map((m) => m.bodyRetentionMs)) ?? DEFAULT_BODY_RETENTION_MS,
      onError: (error) => {
        for (const m of created.members) m.reportError(error, { phase: 'dispatch' });
      },
    });
    inboxes.set(store, created);
    inbox = created;
  }
  const shared = inbox;
  shared.members.push(member);
  shared.worker = reconcile(shared.members);
  if (member.worker !== false) {
    if (shared.dispatcher === undefined) shared.dispatcher = sharedDispatcher(store, shared);
    // A worker already running claims for this provider from its next look on: make that look now,
    // so what is already waiting for this provider does not wait for the poll.
    else shared.dispatcher.wake();
    if (member.worker.autoStart !== false) shared.dispatcher.start();
  }
  const worker = member.worker === false ? undefined : shared.dispatcher;

  let left = false;
  return {
    worker,
    async leave(options) {
      if (left) return;
      left = true;
      shared.members.splice(shared.members.indexOf(member), 1);
      shared.worker = reconcile(shared.members);
      if (worker !== undefined && !shared.members.some(hasWorker)) {
        shared.dispatcher = undefined;
        await worker.stop(options);
      }
      if (shared.members.length === 0) {
        shared.stopPurge();
        if (inboxes.get(store) === shared) inboxes.delete(store);
      }
    },
  };
}

function sharedDispatcher(store: WebhookStore, inbox: StoreInbox): Dispatcher {
  const first = inbox.members.find(hasWorker)!.worker;
  const routeOf = (provider: ProviderName) => inbox.members.find((m) => hasWorker(m) && m.provider === provider);
  const options: DispatcherOptions = {
    store,
    workerId: first.workerId,
    backoff: first.backoff,
    now: first.now,
    random: first.random,
    get leaseMs() {
      return inbox.worker.leaseMs;
    },
    get handlerTimeoutMs() {
      return inbox.worker.handlerTimeoutMs;
    },
    get maxAttempts() {
      return inbox.worker.maxAttempts;
    },
    get concurrency() {
      return inbox.worker.concurrency;
    },
    get maxQueued() {
      return inbox.worker.maxQueued;
    },
    get pollIntervalMs() {
      return inbox.worker.pollIntervalMs;
    },
    get providers() {
      return inbox.worker.providers;
    },
    dispatch(delivery: ClaimedDelivery) {
      const route = routeOf(delivery.provider);
      if (route === undefined) {
        return Promise.reject(new Error(`No open ${delivery.provider} receiver in this process dispatches this delivery.`));
      }
      return route.dispatch.stored(delivery);
    },
    onError(error, context) {
      // Handler failures were reported by runHandlers already; report store and worker failures here,
      // and every delivery given up as dead, which no earlier line says.
      const reported: unknown[] = error instanceof HandlersFailed ? [] : [error];
      if (context.outcome !== undefined && 'dead' in context.outcome) reported.push(deadDelivery(error, context.delivery));
      const route = context.delivery === undefined ? undefined : routeOf(context.delivery.provider);
      const told = route === undefined ? inbox.members.filter(hasWorker) : [route];
      for (const failure of reported) for (const m of told) m.reportError(failure, context);
    },
  };
  return createDispatcher(options);
}

/** The error that says a delivery is dead now, with what made its last attempt fail as `cause`. */
function deadDelivery(cause: unknown, delivery: DispatchErrorContext['delivery']): Error {
  const attempts = delivery === undefined ? '' : ` after ${delivery.attempts} attempts`;
  const id = delivery === undefined ? '' : ` (store.requeue(['${delivery.id}']) runs it again)`;
  const last = cause instanceof Error ? cause.message : String(cause);
  return new Error(`The delivery is dead${attempts}: it will not be retried${id}. Last failure: ${last}`, { cause });
}

/** The largest patience and the quickest pickup any receiver with a worker asked for. */
function reconcile(members: readonly InboxMember[]): ReconciledWorker {
  const workers = members.filter(hasWorker).map((m) => m.worker);
  return {
    leaseMs: largest(workers.map((w) => w.leaseMs)),
    handlerTimeoutMs: largest(workers.map((w) => w.handlerTimeoutMs)),
    maxAttempts: largest(workers.map((w) => w.maxAttempts)),
    concurrency: largest(workers.map((w) => w.concurrency)),
    maxQueued: largest(workers.map((w) => w.maxQueued)),
    pollIntervalMs: smallest(workers.map((w) => w.pollIntervalMs)),
    providers: [...new Set(members.filter(hasWorker).map((m) => m.provider))],
  };
}

function hasWorker(member: InboxMember): member is InboxMember & { readonly worker: InboxWorkerOptions } {
  return member.worker !== false;
}

function largest(values: readonly (number | undefined)[]): number | undefined {
  const given = values.filter((value) => value !== undefined);
  return given.length === 0 ? undefined : Math.max(...given);
}

function smallest(values: readonly (number | undefined)[]): number | undefined {
  const given = values.filter((value) => value !== undefined);
  return given.length === 0 ? undefined : Math.min(...given);
}
