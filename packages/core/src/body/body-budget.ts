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
 * Bytes are reserved chunk by chunk as they arrive, and released when reading ends on any path
 * (complete, refused, timed out, aborted). A declared `Content-Length` is also checked at admission
 * against the room left, counting what the bodies already arriving still have to send, so that a flood
 * of large declared bodies is turned away before anything of it is buffered. A body counts there only
 * while it keeps pace to arrive within the body timeout: a sender that declares 16 MiB and then sends
 * nothing (or trickles) holds no room for more than a moment. Reserving the declared length up front, as
 * this once did, let a few idle connections with well-formed headers hold the whole budget for the
 * length of the timeout, and every delivery of the process got 503. A request that would go over the
 * budget is refused with 503 `too_many_bytes_in_flight` and `Retry-After` before more of its body is
 * buffered. During such a flood,
 * genuine deliveries may be refused too; the providers retry them.
 */
export class BodyBudget {
  /** The most bytes in flight at once. */
  readonly maxBytes: number;
  #inFlight = 0;
  readonly #declared = new Set<DeclaredBody>();

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

  /**
   * Admits a body of `declared` bytes expected within `paceMs`, or `undefined` when the room left (the
   * bound, less the bytes reserved and those that bodies keeping pace still have to send) cannot hold
   * it. The caller updates `received` as bytes arrive (reserving them with `tryReserve`) and calls
   * `leave` when reading ends.
   */
  admit(declared: number, paceMs: number, nowMs: number = performance.now()): DeclaredBody | undefined {
    let promised = 0;
    for (const body of this.#declared) if (keepsPace(body, nowMs)) promised += body.declared - body.received;
    if (declared > this.maxBytes - this.#inFlight - promised) return undefined;
    const body: DeclaredBody = { declared, paceMs, startedAtMs: nowMs, received: 0 };
    this.#declared.add(body);
    return body;
  }

  /** Ends the admission of a body `admit` returned. */
  leave(body: DeclaredBody): void {
    this.#declared.delete(body);
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

/** A body admitted by its declared length: what it declared, and how much of it has arrived. */
export interface DeclaredBody {
  readonly declared: number;
  /** The time in which the whole body must arrive (the body timeout). */
  readonly paceMs: number;
  readonly startedAtMs: number;
  received: number;
}

/** What a body may lag behind an even pace and still count as arriving: its first packets' worth. */
const PACE_SLACK_BYTES = 64 * 1024;

/** Whether the body has arrived at least as fast as an even pace that ends at its timeout. */
function keepsPace(body: DeclaredBody, nowMs: number): boolean {
  return body.received + PACE_SLACK_BYTES >= (body.declared * (nowMs - body.startedAtMs)) / body.paceMs;
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
