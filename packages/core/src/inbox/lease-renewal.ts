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

export function leaseRenewal(options: LeaseRenewalOptions): LeaseRenewal {
  const { store, workerId, leaseMs, now, report } = options;

  async function renew(job: LeasedJob): Promise<boolean> {
    if (store.renew === undefined) return true;
    const askedAt = now().getTime();
    try {
      const renewed = await store.renew([job.delivery.id], workerId, leaseMs(), { now: new Date(askedAt) });
      if (!renewed.includes(job.delivery.id)) return false;
      job.leaseUntilMs = askedAt + leaseMs();
      return true;
    } catch (error) {
      report(error, job);
      return true;
    }
  }

  function keep(job: LeasedJob): { stop(): void } {
    if (store.renew === undefined) return { stop() {} };
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const schedule = (): void => {
      const delay = job.leaseUntilMs - leaseMs() / 2 - now().getTime();
      timer = setTimeout(() => {
        timer = undefined;
        if (stopped || options.abandoned(job.delivery.id)) return;
        void renew(job).then((held) => {
          if (stopped) return;
          if (held) schedule();
          else report(new Error(`Lease of delivery ${job.delivery.id} was lost while its handlers ran; it may be dispatched again.`), job);
        });
      }, Math.max(1, Math.floor(delay)));
      // A running dispatch keeps the process busy anyway; the renewal alone must not.
      timer.unref();
    };
    schedule();
    return {
      stop() {
        stopped = true;
        clearTimeout(timer);
      },
    };
  }

  return { renew, keep };
}
