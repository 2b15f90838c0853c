import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ProviderName } from '../events/webhook-event.js';
import type { ClaimedDelivery, FailOutcome, WebhookStore } from '../stores/webhook-store.js';
import { fullJitterDelay, type BackoffOptions } from './backoff.js';

/** Where a dispatcher error happened. */
export type DispatchPhase = 'claim' | 'dispatch' | 'complete' | 'fail' | 'release';

export interface DispatchErrorContext {
  readonly phase: DispatchPhase;
  readonly delivery?: ClaimedDelivery;
  /** For `dispatch` errors: when the delivery is retried, or that it is dead. */
  readonly outcome?: FailOutcome;
}

export interface DispatcherOptions {
  /** Only the worker half of the store is needed. */
  readonly store: Pick<WebhookStore, 'claim' | 'complete' | 'fail' | 'release'>;
  /** Handles one delivery; a rejection schedules a retry (or makes it dead after `maxAttempts`). */
  readonly dispatch: (delivery: ClaimedDelivery) => Promise<void>;
  /** Default: host, pid and a random suffix. Must be unique among the workers sharing a store. */
  readonly workerId?: string;
  /**
   * How long a claimed delivery stays leased; if this process dies, another worker reclaims it after
   * this. Must exceed the slowest `dispatch`, or a slow dispatch may run twice. Default 60 s.
   */
  readonly leaseMs?: number;
  /** How often an idle worker looks for due deliveries; `wake()` cuts the wait short. Default 1 s. */
  readonly pollIntervalMs?: number;
  /** Attempts before a delivery is dead. Default 8. */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffOptions;
  /** Claim only deliveries of these providers (see `ClaimOptions.providers`). Default: all. */
  readonly providers?: readonly ProviderName[];
  /** Deliveries dispatched at the same time. Default 4. */
  readonly concurrency?: number;
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

/** A worker that moves deliveries from the store's inbox to `dispatch`. */
export interface Dispatcher {
  readonly workerId: string;
  /** Starts polling in the background. Calling it while started does nothing. */
  start(): void;
  /**
   * Stops claiming. `graceful` (default) waits for in-flight dispatches, releasing whatever is still
   * running after `timeoutMs`; otherwise in-flight leases are released at once, so another worker can
   * pick them up (a dispatch still running here then finds its lease gone).
   */
  stop(options?: { readonly graceful?: boolean; readonly timeoutMs?: number }): Promise<void>;
  /** Looks for due deliveries now instead of at the next poll: call it after persisting a delivery. */
  wake(): void;
  /** Claims once (up to `concurrency`) and settles every claimed delivery. For tests and scripts; not while started. */
  runOnce(): Promise<DispatchSummary>;
  /** `runOnce` until nothing is due. For tests and scripts; not while started. */
  drain(): Promise<DispatchSummary>;
}

type Settled = 'completed' | 'retried' | 'dead' | 'lost';

const DEFAULTS = { leaseMs: 60_000, pollIntervalMs: 1_000, maxAttempts: 8, concurrency: 4 };
// Recording an outcome is retried 5 times over about 8 s (250 ms doubling), well inside a lease.
const OUTCOME_WRITE_ATTEMPTS = 6;
const OUTCOME_RETRY_BASE_MS = 250;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
const MAX_ERROR_LENGTH = 4_000;

/**
 * Creates the inbox worker: claim with a lease, dispatch, then complete; on failure, retry at a
 * jittered exponential delay, and give up (dead) after `maxAttempts`. Delivery is at least once: a
 * crash between dispatch and complete dispatches again, so handlers must be idempotent (record
 * upserts are).
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { store, dispatch } = options;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = positiveInteger('leaseMs', options.leaseMs ?? DEFAULTS.leaseMs);
  const pollIntervalMs = positiveInteger('pollIntervalMs', options.pollIntervalMs ?? DEFAULTS.pollIntervalMs);
  const maxAttempts = positiveInteger('maxAttempts', options.maxAttempts ?? DEFAULTS.maxAttempts);
  const concurrency = positiveInteger('concurrency', options.concurrency ?? DEFAULTS.concurrency);
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

  async function settle(delivery: ClaimedDelivery): Promise<Settled> {
    if (delivery.attempts > maxAttempts) {
      // Only leases that expired mid-dispatch (crashed workers) push attempts past the limit.
      const message = `Gave up: the lease of attempt ${delivery.attempts - 1} expired before it finished.`;
      return recordFailure(delivery, { dead: true }, message);
    }
    try {
      await dispatch(delivery);
    } catch (error) {
      const outcome: FailOutcome =
        delivery.attempts >= maxAttempts
          ? { dead: true }
          : { retryAt: new Date(now().getTime() + fullJitterDelay(delivery.attempts, options.backoff, random)) };
      report(error, { phase: 'dispatch', delivery, outcome });
      return recordFailure(delivery, outcome, errorMessage(error));
    }
    const completed = await recordOutcome('complete', delivery, () => store.complete(delivery.id, workerId, { now: now() }));
    if (completed === true) return 'completed';
    if (completed === false && !abandoned.has(delivery.id)) {
      const lost = new Error(`Lease of delivery ${delivery.id} was lost before it completed; it will be dispatched again.`);
      report(lost, { phase: 'complete', delivery });
    }
    return 'lost';
  }

  async function recordFailure(delivery: ClaimedDelivery, outcome: FailOutcome, message: string): Promise<Settled> {
    const recorded = await recordOutcome('fail', delivery, () => store.fail(delivery.id, workerId, outcome, message, { now: now() }));
    if (recorded === true) return 'dead' in outcome ? 'dead' : 'retried';
    return 'lost';
  }

  /**
   * Records an outcome, retrying while the store is briefly unreachable: giving up at once would leave
   * a delivery whose handlers already ran leased until its lease expires, and then run them again.
   * `undefined` when the store never answered.
   */
  async function recordOutcome(phase: 'complete' | 'fail', delivery: ClaimedDelivery, write: () => Promise<boolean>): Promise<boolean | undefined> {
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

  /** Deliveries whose lease a non-graceful stop gave back while their dispatch was still running. */
  const abandoned = new Set<string>();

  async function release(delivery: ClaimedDelivery): Promise<void> {
    abandoned.add(delivery.id);
    try {
      await store.release(delivery.id, workerId);
    } catch (error) {
      report(error, { phase: 'release', delivery });
    }
  }

  async function claim(limit: number): Promise<ClaimedDelivery[]> {
    try {
      return await store.claim({ workerId, leaseMs, limit, now: now(), providers: options.providers });
    } catch (error) {
      report(error, { phase: 'claim' });
      return [];
    }
  }

  async function runOnce(): Promise<DispatchSummary> {
    const claimed = await claim(concurrency);
    const summary: DispatchSummary = { claimed: claimed.length, completed: 0, retried: 0, dead: 0, lost: 0 };
    for (const settled of await Promise.all(claimed.map(settle))) summary[settled] += 1;
    return summary;
  }

  // Background loop state.
  const inFlight = new Map<string, { delivery: ClaimedDelivery; done: Promise<unknown> }>();
  let running = false;
  let loop: Promise<void> | undefined;
  let signalled = false;
  let wakeUp: (() => void) | undefined;

  /** Ends the current wait, or skips the next one: new work, a free slot, or stop. */
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

  async function run(): Promise<void> {
    while (running) {
      // Work persisted before this point is seen by this claim, or (when every slot is busy) by the
      // claim that follows the next finished dispatch; only later signals need another look. Clearing
      // the flag even when busy keeps wake() from turning the wait below into a spin.
      signalled = false;
      const free = concurrency - inFlight.size;
      if (free > 0) {
        const claimed = await claim(free);
        if (!running) {
          // stop() came while claiming: hand these back untouched.
          await Promise.all(claimed.map(release));
          break;
        }
        for (const delivery of claimed) {
          const done = settle(delivery).finally(() => {
            inFlight.delete(delivery.id);
            signal();
          });
          inFlight.set(delivery.id, { delivery, done });
        }
      }
      // A finished dispatch signals, so a busy worker claims again as soon as a slot frees up.
      await wait(pollIntervalMs);
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
      abandoned.clear();
      loop = run();
    },

    wake: signal,

    async stop({ graceful = true, timeoutMs }: { readonly graceful?: boolean; readonly timeoutMs?: number } = {}) {
      running = false;
      signal();
      await loop;
      loop = undefined;
      if (graceful && inFlight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<void>((resolve) => {
          if (timeoutMs !== undefined) timer = setTimeout(resolve, timeoutMs);
        });
        await Promise.race([Promise.all([...inFlight.values()].map((entry) => entry.done)), timedOut]);
        clearTimeout(timer);
      }
      await Promise.all([...inFlight.values()].map((entry) => release(entry.delivery)));
    },
  };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}.`);
  return value;
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}…` : message;
}

function defaultOnError(error: unknown, context: DispatchErrorContext): void {
  const delivery = context.delivery === undefined ? '' : ` delivery ${context.delivery.id}`;
  console.error(`[wearhook] dispatcher ${context.phase} error${delivery}:`, error);
}
