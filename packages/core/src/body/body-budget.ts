import { WebhookError } from '../errors/webhook-error.js';

const MiB = 1024 * 1024;

/**
 * Seconds a refused sender is asked to wait (`Retry-After`). Providers keep their own retry schedules
 * (Terra ~5 min, Vital 5 s then minutes, Thryve unknown); the header is for the rest.
 */
export const BODY_BUDGET_RETRY_AFTER_SECONDS = 5;

/**
 * A bound on request body bytes in flight: bytes being read into memory, across every request that
 * uses this budget. `limits.maxWireBytes` bounds one request; this bounds many at once, which is what
 * stops a flood of large bodies that can only be refused after they are read (a forged but well-formed
 * signature needs the body).
 *
 * Bytes are reserved by the declared `Content-Length` before reading starts, or chunk by chunk as they
 * arrive when no length is declared, and released when reading ends on any path (complete, refused,
 * timed out, aborted). A request that would go over the budget is refused with 503
 * `too_many_bytes_in_flight` and `Retry-After` before more of its body is buffered. During such a flood,
 * genuine deliveries may be refused too; the providers retry them.
 */
export class BodyBudget {
  /** The most bytes in flight at once. */
  readonly maxBytes: number;
  #inFlight = 0;

  constructor(maxBytes: number) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
      throw new TypeError(`BodyBudget: \`maxBytes\` must be a positive whole number of bytes, got ${String(maxBytes)}.`);
    }
    this.maxBytes = maxBytes;
  }

  /** Bytes currently reserved. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Reserves `bytes`; `false` (nothing reserved) when that would exceed the budget. */
  tryReserve(bytes: number): boolean {
    if (this.#inFlight + bytes > this.maxBytes) return false;
    this.#inFlight += bytes;
    return true;
  }

  /** Gives back bytes reserved with `tryReserve`. */
  release(bytes: number): void {
    this.#inFlight = Math.max(0, this.#inFlight - bytes);
  }
}

/**
 * The process-wide budget every receiver shares unless `limits.bodyBudget` names another: 128 MiB, eight
 * bodies at the default 16 MiB `maxWireBytes` and thousands of typical (1–10 KB) deliveries. To change it
 * for the whole process, create one `BodyBudget` and pass it as `limits.bodyBudget` to every receiver.
 */
export const SHARED_BODY_BUDGET = new BodyBudget(128 * MiB);

/** The 503 for a request that would take the budget over its bound. */
export function overBudget(budget: BodyBudget): WebhookError {
  return new WebhookError(
    'too_many_bytes_in_flight',
    `Too many request body bytes are being received at once (the bound is ${budget.maxBytes} bytes); retry in ` +
      `${BODY_BUDGET_RETRY_AFTER_SECONDS} s. If genuine traffic reaches this bound, raise it with limits.bodyBudget.`,
  );
}
