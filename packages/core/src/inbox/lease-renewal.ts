import type { WebhookStore } from '../stores/webhook-store.js';

/** A delivery this worker holds, and until when by its own clock. */
export interface LeasedJob {
  readonly delivery: { readonly id: string };
  /**
   * When the lease ends at the latest, by this worker's clock (a lower bound: for a delivery leased
   * at insert, the time of the reservation plus `leaseMs`). Updated by each renewal.
   */
  leaseUntilMs: number;
}

export interface LeaseRenewalOptions {
  /** Without `renew`, leases are never extended (and always taken to be held). */
  readonly store: Partial<Pick<WebhookStore, 'renew'>>;
  readonly workerId: string;
  readonly leaseMs: () => number;
  readonly now: () => Date;
  /** Whether a stop gave the lease back (then it is not renewed). */
  readonly abandoned: (id: string) => boolean;
  /** A renewal failed (store error) or found the lease gone. */
  readonly report: (error: unknown, job: LeasedJob) => void;
}

export interface LeaseRenewal {
  /**
   * Extends the job's lease now. `false` when another worker has it (or it was released); a store
   * that cannot renew, or is briefly unreachable, leaves it as it is (`true`: still ours as far as
   * this worker knows).
   */
  renew(job: LeasedJob): Promise<boolean>;
  /**
   * While a job runs: renews its lease whenever only half of it is left, until stopped. A renewal the
   * store refuses means another worker has the delivery: renewing stops, and the outcome recorded
   * later is refused by the store.
   */
  keep(job: LeasedJob): { stop(): void };
}

/** The longest wait before trying again after a renewal the store could not answer. */
const RETRY_AFTER_FAILURE_MAX_MS = 5_000;

export function leaseRenewal(options: LeaseRenewalOptions): LeaseRenewal {
  const { store, workerId, leaseMs, now, report } = options;

  /** `failed`: the store could not be asked (reported); the lease is as it was. */
  async function attempt(job: LeasedJob): Promise<'renewed' | 'lost' | 'failed'> {
    const askedAt = now().getTime();
    try {
      const renewed = await store.renew!([job.delivery.id], workerId, leaseMs(), { now: new Date(askedAt) });
      if (!renewed.includes(job.delivery.id)) return 'lost';
      job.leaseUntilMs = askedAt + leaseMs();
      return 'renewed';
    } catch (error) {
      report(error, job);
      return 'failed';
    }
  }

  async function renew(job: LeasedJob): Promise<boolean> {
    if (store.renew === undefined) return true;
    return (await attempt(job)) !== 'lost';
  }

  function keep(job: LeasedJob): { stop(): void } {
    if (store.renew === undefined) return { stop() {} };
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    // After a failed renewal the lease time has not moved, so the half-lease rule would retry at once:
    // against a store that fails fast that was a renewal (and an error report) every millisecond.
    const schedule = (afterFailure: boolean): void => {
      const delay = afterFailure ? Math.min(leaseMs() / 4, RETRY_AFTER_FAILURE_MAX_MS) : job.leaseUntilMs - leaseMs() / 2 - now().getTime();
      timer = setTimeout(() => {
        timer = undefined;
        if (stopped || options.abandoned(job.delivery.id)) return;
        void attempt(job).then((outcome) => {
          if (stopped) return;
          if (outcome === 'lost') report(new Error(`Lease of delivery ${job.delivery.id} was lost while its handlers ran; it may be dispatched again.`), job);
          else schedule(outcome === 'failed');
        });
      }, Math.max(1, Math.floor(delay)));
      // A running dispatch keeps the process busy anyway; the renewal alone must not.
      timer.unref();
    };
    schedule(false);
    return {
      stop() {
        stopped = true;
        clearTimeout(timer);
      },
    };
  }

  return { renew, keep };
}
