import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ProviderName } from '../events/webhook-event.js';
import { isStorableLabel, storableText } from '../stores/storable-labels.js';
import type { ClaimedDelivery, FailOutcome, WebhookStore } from '../stores/webhook-store.js';
import { fullJitterDelay, type BackoffOptions } from './backoff.js';
import { withTimeout } from './handler-timeout.js';
import { leaseRenewal, type LeasedJob } from './lease-renewal.js';

export { HandlerTimeoutError } from './handler-timeout.js';

/** Where a dispatcher error happened. */
export type DispatchPhase = 'claim' | 'dispatch' | 'complete' | 'fail' | 'release' | 'renew';

/**
 * What the dispatcher knows of a delivery it is dispatching. A claimed delivery has all of
 * `ClaimedDelivery`; one handed over in process (`reserve`) only these fields.
 */
export type DispatchedDelivery = Pick<ClaimedDelivery, 'id' | 'provider' | 'deliveryKey' | 'eventType' | 'receivedAt' | 'attempts'>;

export interface DispatchErrorContext {
  readonly phase: DispatchPhase;
  readonly delivery?: DispatchedDelivery;
  /** For `dispatch` errors: when the delivery is retried, or that it is dead. */
  readonly outcome?: FailOutcome;
}

export interface DispatcherOptions {
  /** Only the worker half of the store is needed; without `renew`, leases are never extended. */
  readonly store: Pick<WebhookStore, 'claim' | 'complete' | 'fail' | 'release'> & Partial<Pick<WebhookStore, 'renew'>>;
  /** Handles one claimed delivery; a rejection schedules a retry (or makes it dead after `maxAttempts`). */
  readonly dispatch: (delivery: ClaimedDelivery) => Promise<void>;
  /** Default: host, pid and a random suffix. Must be unique among the workers sharing a store. */
  readonly workerId?: string;
  /**
   * How long a lease lasts; if this process dies, another worker reclaims the delivery after this.
   * While a dispatch runs, its lease is renewed each time half of it has passed, so a slow handler is
   * not dispatched twice; `handlerTimeoutMs` bounds how long that goes on. Default 60 s.
   */
  readonly leaseMs?: number;
  /**
   * How long one dispatch may run before its attempt counts as failed (retried with backoff, or dead)
   * and its lease is no longer renewed. The handler itself cannot be stopped: it runs on, and the
   * delivery may be dispatched again meanwhile. Default 5 minutes: far above a sane webhook handler,
   * short enough that a hung one does not hold its delivery for good.
   */
  readonly handlerTimeoutMs?: number;
  /** How often an idle worker looks for due deliveries; `wake()` cuts the wait short. Default 1 s. */
  readonly pollIntervalMs?: number;
  /** Attempts before a delivery is dead. Default 8. */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffOptions;
  /** Claim only deliveries of these providers (see `ClaimOptions.providers`); read at each claim. Default: all. */
  readonly providers?: readonly ProviderName[];
  /** Deliveries dispatched at the same time (handlers running, and their record and completion writes). Default 32. */
  readonly concurrency?: number;
  /**
   * How many deliveries handed over in process (`reserve`) may wait for a free slot. Past it, `reserve`
   * refuses: the receiver persists the delivery without a lease and the poll picks it up. Default 1000.
   */
  readonly maxQueued?: number;
  /** The clock for leases and retry times. */
  readonly now?: () => Date;
  /** Random numbers in [0, 1) for the backoff jitter. */
  readonly random?: () => number;
  /**
   * Called for every failed dispatch and every store error. Never throws into the worker. Default:
   * `console.error`.
   */
  readonly onError?: (error: unknown, context: DispatchErrorContext) => void;
}

/** What one `runOnce` or `drain` did. */
export interface DispatchSummary {
  claimed: number;
  completed: number;
  retried: number;
  dead: number;
  /** Dispatched, but the lease was gone when the result was recorded (it will be dispatched again). */
  lost: number;
}

/**
 * Room in the worker's in-memory queue for a delivery the caller is about to persist with `lease`:
 * in-process dispatch, with no claim round trip.
 */
export interface LocalReservation {
  /** Pass this as `NewDelivery.lease`. */
  readonly lease: { readonly workerId: string; readonly leaseMs: number };
  /** The delivery was inserted with the lease: dispatch it by calling `run` (which rejects when handlers failed). */
  fill(delivery: Omit<DispatchedDelivery, 'attempts'>, run: () => Promise<void>): void;
  /** Nothing was inserted (a duplicate, or the store failed): give the room back. */
  cancel(): void;
}

/** A worker that moves deliveries from the store's inbox to `dispatch`. */
export interface Dispatcher {
  readonly workerId: string;
  /** Starts polling in the background. Calling it while started does nothing. */
  start(): void;
  /**
   * Stops claiming. Deliveries handed over in process but not started yet are released at once
   * (without counting an attempt). `graceful` (default) waits for running dispatches, releasing
   * whatever is still running after `timeoutMs`; otherwise their leases are released at once, so
   * another worker can pick them up (a dispatch still running here then finds its lease gone).
   */
  stop(options?: { readonly graceful?: boolean; readonly timeoutMs?: number }): Promise<void>;
  /** Looks for due deliveries now instead of at the next poll: call it after persisting one without a lease. */
  wake(): void;
  /**
   * Room for one in-process delivery, or `undefined` when the worker is not running or its queue is
   * full (then persist without a lease and call `wake`).
   */
  reserve(): LocalReservation | undefined;
  /** Claims once (up to `concurrency`) and settles every claimed delivery. For tests and scripts; not while started. */
  runOnce(): Promise<DispatchSummary>;
  /** `runOnce` until nothing is due. For tests and scripts; not while started. */
  drain(): Promise<DispatchSummary>;
}

type Settled = 'completed' | 'retried' | 'dead' | 'lost';

/** One delivery to settle: how to run it, and until when this worker holds it. */
interface Job extends LeasedJob {
  readonly delivery: DispatchedDelivery;
  readonly run: () => Promise<void>;
}

export const DISPATCHER_DEFAULTS = {
  leaseMs: 60_000,
  pollIntervalMs: 1_000,
  maxAttempts: 8,
  concurrency: 32,
  maxQueued: 1_000,
  handlerTimeoutMs: 5 * 60_000,
} as const;
// Recording an outcome is retried 5 times over about 8 s (250 ms doubling), well inside a lease.
const OUTCOME_WRITE_ATTEMPTS = 6;
const OUTCOME_RETRY_BASE_MS = 250;
const MAX_ERROR_LENGTH = 4_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Creates the inbox worker: claim with a lease (or take a delivery leased at insert by this process),
 * dispatch while renewing the lease, then complete; on failure or timeout, retry at a jittered
 * exponential delay, and give up (dead) after `maxAttempts`. Delivery is at least once: a crash
 * between dispatch and complete dispatches again, so handlers must be idempotent (record upserts are).
 *
 * The numeric options are read each time they are used, so a caller that shares one dispatcher among
 * several receivers can pass getters that reconcile theirs (see `joinStoreInbox`).
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { store, dispatch } = options;
  validateDispatcherOptions(options);
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  checkWorkerId(workerId);
  const leaseMs = () => options.leaseMs ?? DISPATCHER_DEFAULTS.leaseMs;
  const pollIntervalMs = () => options.pollIntervalMs ?? DISPATCHER_DEFAULTS.pollIntervalMs;
  const maxAttempts = () => options.maxAttempts ?? DISPATCHER_DEFAULTS.maxAttempts;
  const concurrency = () => options.concurrency ?? DISPATCHER_DEFAULTS.concurrency;
  const maxQueued = () => options.maxQueued ?? DISPATCHER_DEFAULTS.maxQueued;
  const handlerTimeoutMs = () => options.handlerTimeoutMs ?? DISPATCHER_DEFAULTS.handlerTimeoutMs;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const onError = options.onError ?? defaultOnError;

  const report = (error: unknown, context: DispatchErrorContext): void => {
    try {
      onError(error, context);
    } catch {
      // A faulty error hook must not stop the worker.
    }
  };

  /** Deliveries whose lease a stop gave back while their dispatch was still running. */
  const abandoned = new Set<string>();
  const leases = leaseRenewal({
    store,
    workerId,
    leaseMs,
    now,
    abandoned: (id) => abandoned.has(id),
    report: (error, job) => report(error, { phase: 'renew', delivery: (job as Job).delivery }),
  });

  async function settle(job: Job): Promise<Settled> {
    const { delivery } = job;
    const limit = maxAttempts();
    if (delivery.attempts > limit) {
      // Only leases that expired mid-dispatch (crashed workers) push attempts past the limit.
      const message = `Gave up: the lease of attempt ${delivery.attempts - 1} expired before it finished.`;
      return recordFailure(delivery, { dead: true }, message);
    }
    // A delivery handed over in process may have waited in the queue for much of its lease: make sure
    // it is still ours before its handlers run, or another worker may be running them already.
    if (job.leaseUntilMs - now().getTime() < leaseMs() / 2 && !(await leases.renew(job))) {
      report(new Error(`Lease of delivery ${delivery.id} ran out while it waited in the queue; another worker has it.`), {
        phase: 'renew',
        delivery,
      });
      return 'lost';
    }
    const renewal = leases.keep(job);
    try {
      await withTimeout(job.run, handlerTimeoutMs());
    } catch (error) {
      renewal.stop();
      const outcome: FailOutcome =
        delivery.attempts >= limit
          ? { dead: true }
          : { retryAt: new Date(now().getTime() + fullJitterDelay(delivery.attempts, options.backoff, random)) };
      report(error, { phase: 'dispatch', delivery, outcome });
      return recordFailure(delivery, outcome, errorMessage(error));
    }
    renewal.stop();
    const completed = await recordOutcome('complete', delivery, () => store.complete(delivery.id, workerId, { now: now() }));
    if (completed === true) return 'completed';
    if (completed === false && !abandoned.has(delivery.id)) {
      const lost = new Error(`Lease of delivery ${delivery.id} was lost before it completed; it will be dispatched again.`);
      report(lost, { phase: 'complete', delivery });
    }
    return 'lost';
  }

  async function recordFailure(delivery: DispatchedDelivery, outcome: FailOutcome, message: string): Promise<Settled> {
    const recorded = await recordOutcome('fail', delivery, () => store.fail(delivery.id, workerId, outcome, message, { now: now() }));
    if (recorded === true) return 'dead' in outcome ? 'dead' : 'retried';
    return 'lost';
  }

  /**
   * Records an outcome, retrying while the store is briefly unreachable: giving up at once would leave
   * a delivery whose handlers already ran leased until its lease expires, and then run them again.
   * `undefined` when the store never answered.
   */
  async function recordOutcome(
    phase: 'complete' | 'fail',
    delivery: DispatchedDelivery,
    write: () => Promise<boolean>,
  ): Promise<boolean | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        report(error, { phase, delivery });
        if (attempt + 1 >= OUTCOME_WRITE_ATTEMPTS) return undefined;
        await sleep(OUTCOME_RETRY_BASE_MS * 2 ** attempt);
      }
    }
  }


  async function release(delivery: DispatchedDelivery): Promise<void> {
    abandoned.add(delivery.id);
    try {
      await store.release(delivery.id, workerId);
    } catch (error) {
      report(error, { phase: 'release', delivery });
    }
  }

  async function claim(limit: number): Promise<ClaimedDelivery[]> {
    try {
      return await store.claim({ workerId, leaseMs: leaseMs(), limit, now: now(), providers: options.providers });
    } catch (error) {
      report(error, { phase: 'claim' });
      return [];
    }
  }

  const claimedJob = (delivery: ClaimedDelivery): Job => ({
    delivery,
    run: () => dispatch(delivery),
    leaseUntilMs: delivery.leaseUntil.getTime(),
  });

  async function runOnce(): Promise<DispatchSummary> {
    const claimed = await claim(concurrency());
    const summary: DispatchSummary = { claimed: claimed.length, completed: 0, retried: 0, dead: 0, lost: 0 };
    for (const settled of await Promise.all(claimed.map((delivery) => settle(claimedJob(delivery))))) summary[settled] += 1;
    return summary;
  }

  // Background state.
  const inFlight = new Map<string, { job: Job; done: Promise<unknown> }>();
  /** Deliveries handed over in process, waiting for a free slot (FIFO). */
  const queued: Job[] = [];
  /** Reservations given out and not yet filled or cancelled: they count against `maxQueued`. */
  let reserved = 0;
  let running = false;
  let loop: Promise<void> | undefined;
  let signalled = false;
  let wakeUp: (() => void) | undefined;
  /**
   * Whether the store may hold due deliveries for us: the last claim filled every slot it asked for,
   * or someone called `wake`. Only then does a freed slot trigger a claim; deliveries handed over in
   * process need none, so a steady stream of them costs no claim queries beyond the idle poll.
   */
  let backlog = true;

  /** Ends the current wait, or skips the next one: new work, or stop. */
  const signal = (): void => {
    signalled = true;
    wakeUp?.();
  };

  const wait = (ms: number): Promise<void> => {
    if (signalled) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      // An idle worker alone must not keep the process alive; the server (or a caller of drain) does.
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });
  };

  function startJob(job: Job): void {
    const done = settle(job).finally(() => {
      inFlight.delete(job.delivery.id);
      slotFreed();
    });
    inFlight.set(job.delivery.id, { job, done });
  }

  /**
   * A claimed delivery this worker already runs or has queued: its lease ran out in the store while
   * renewals failed (the store was unreachable), and this worker's own poll took it again. The job it
   * has goes on under the new lease (the store knows the lease by worker id); a second run would
   * dispatch the delivery twice at once and lose track of one of the runs.
   */
  function alreadyHeld(delivery: ClaimedDelivery): boolean {
    const job = inFlight.get(delivery.id)?.job ?? queued.find((queuedJob) => queuedJob.delivery.id === delivery.id);
    if (job === undefined) return false;
    job.leaseUntilMs = Math.max(job.leaseUntilMs, delivery.leaseUntil.getTime());
    return true;
  }

  let pumpScheduled = false;
  /**
   * Starts queued in-process deliveries in the next turn of the event loop, not now: the caller is
   * about to acknowledge, and the 204 of every delivery persisted in this turn goes out before any of
   * their handlers starts.
   */
  function schedulePump(): void {
    if (pumpScheduled) return;
    pumpScheduled = true;
    setImmediate(() => {
      pumpScheduled = false;
      slotFreed();
    });
  }

  /** A slot is free: the next in-process delivery takes it, else the store may have work for it. */
  function slotFreed(): void {
    if (!running) return;
    while (queued.length > 0 && inFlight.size < concurrency()) startJob(queued.shift()!);
    if (inFlight.size < concurrency() && backlog) signal();
  }

  async function run(): Promise<void> {
    // The first look waits one turn, so receivers created together (one per provider, sharing this
    // worker) have all joined when it claims.
    await new Promise((resolve) => setImmediate(resolve));
    while (running) {
      // Work persisted before this point is seen by this claim, or (when every slot is busy) by the
      // claim that follows the next finished dispatch; only later signals need another look. Clearing
      // the flag even when busy keeps wake() from turning the wait below into a spin.
      signalled = false;
      const free = concurrency() - inFlight.size;
      if (free > 0) {
        const claimed = await claim(free);
        if (!running) {
          // stop() came while claiming: hand these back untouched.
          await Promise.all(claimed.map(release));
          break;
        }
        backlog = claimed.length === free;
        for (const delivery of claimed) if (!alreadyHeld(delivery)) startJob(claimedJob(delivery));
      }
      await wait(pollIntervalMs());
    }
  }

  return {
    workerId,
    runOnce,

    async drain() {
      const total: DispatchSummary = { claimed: 0, completed: 0, retried: 0, dead: 0, lost: 0 };
      for (;;) {
        const summary = await runOnce();
        if (summary.claimed === 0) return total;
        for (const key of Object.keys(total) as Array<keyof DispatchSummary>) total[key] += summary[key];
      }
    },

    start() {
      if (running) return;
      running = true;
      signalled = false;
      backlog = true;
      abandoned.clear();
      loop = run();
    },

    wake() {
      backlog = true;
      signal();
    },

    reserve() {
      if (!running || queued.length + reserved >= maxQueued()) return undefined;
      reserved += 1;
      let settled = false;
      const lease = { workerId, leaseMs: leaseMs() };
      // The store starts the lease when it inserts, after this: so the lease lasts at least until then.
      const leaseUntilMs = now().getTime() + lease.leaseMs;
      return {
        lease,
        fill(delivery, runIt) {
          if (settled) return;
          settled = true;
          reserved -= 1;
          // The lease at insert counts as the first attempt.
          const job: Job = { delivery: { ...delivery, attempts: 1 }, run: runIt, leaseUntilMs };
          if (!running) {
            // Stopped while the delivery was being persisted: give it to the next worker at once.
            void release(job.delivery);
            return;
          }
          queued.push(job);
          schedulePump();
        },
        cancel() {
          if (settled) return;
          settled = true;
          reserved -= 1;
        },
      };
    },

    async stop({ graceful = true, timeoutMs }: { readonly graceful?: boolean; readonly timeoutMs?: number } = {}) {
      running = false;
      signal();
      await loop;
      loop = undefined;
      // Not started yet: nothing ran, so give them back without counting the attempt.
      await Promise.all(queued.splice(0).map((job) => release(job.delivery)));
      if (graceful && inFlight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<void>((resolve) => {
          if (timeoutMs !== undefined) timer = setTimeout(resolve, timeoutMs);
        });
        await Promise.race([Promise.all([...inFlight.values()].map((entry) => entry.done)), timedOut]);
        clearTimeout(timer);
      }
      await Promise.all([...inFlight.values()].map((entry) => release(entry.job.delivery)));
    },
  };
}

/**
 * Throws a RangeError for a numeric option that is not a positive integer, or for a time that timers
 * cannot wait: Node runs a timer of more than MAX_TIMER_MS (about 24.8 days) after 1 ms instead.
 */
export function validateDispatcherOptions(options: Partial<Omit<DispatcherOptions, 'store' | 'dispatch'>>): void {
  if (options.workerId !== undefined) checkWorkerId(options.workerId);
  for (const name of ['maxAttempts', 'concurrency', 'maxQueued'] as const) {
    const value = options[name];
    if (value !== undefined) positiveInteger(name, value);
  }
  for (const name of ['leaseMs', 'pollIntervalMs', 'handlerTimeoutMs'] as const) {
    const value = options[name];
    if (value !== undefined) timerMilliseconds(name, value);
  }
}

/** The lease owner in every store: a driver that cuts U+0000 would make `a\0b` and `a` one worker. */
function checkWorkerId(workerId: string): void {
  if (!isStorableLabel(workerId, { forbidNul: true })) throw new RangeError('workerId must not contain U+0000 or an unpaired UTF-16 surrogate.');
}

/** The longest wait `setTimeout` honours (2^31 - 1 ms). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Throws a RangeError for a positive integer of milliseconds that is longer than a timer can wait. */
export function timerMilliseconds(name: string, value: number): number {
  positiveInteger(name, value);
  if (value > MAX_TIMER_MS) throw new RangeError(`${name} must be at most ${MAX_TIMER_MS} ms (about 24.8 days), the longest a timer waits; got ${value}.`);
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}.`);
  return value;
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const short = message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}…` : message;
  // Stored as the delivery's last error: PostgreSQL refuses U+0000 (and the failure went unrecorded,
  // the delivery waiting out its lease), a SQLite driver cut the text there; neither can hold a lone
  // surrogate. Replaced, as a decoder would.
  return storableText(short);
}

function defaultOnError(error: unknown, context: DispatchErrorContext): void {
  const delivery = context.delivery === undefined ? '' : ` delivery ${context.delivery.id}`;
  console.error(`[wearhook] dispatcher ${context.phase} error${delivery}:`, error);
}
