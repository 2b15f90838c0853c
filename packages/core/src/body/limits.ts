import type { BodyBudget } from './body-budget.js';

/** Bounds on reading and decoding one delivery's body. */
export interface BodyLimits {
  /** Largest body accepted as sent on the wire (still compressed), in bytes. Larger: 413 `body_too_large`. */
  maxWireBytes: number;
  /**
   * Largest body accepted after `Content-Encoding` is undone, in bytes, enforced while decoding (and at each
   * step of a stack such as `gzip, zstd`). Larger: 413 `decoded_body_too_large`.
   */
  maxDecodedBytes: number;
  /** Time allowed for the whole body to arrive, in milliseconds, from when reading starts. Slower: 408 `body_timeout`. */
  bodyTimeoutMs: number;
  /**
   * The bound on body bytes being read at once, shared with every receiver given the same budget.
   * Default `SHARED_BODY_BUDGET` (128 MiB, one per process). Over it: 503 `too_many_bytes_in_flight`
   * with `Retry-After`, before the body is buffered. Keep it at least `maxWireBytes`, or the largest
   * bodies can never be received.
   */
  bodyBudget?: BodyBudget;
}

const MiB = 1024 * 1024;

/**
 * The defaults. 16 MiB either side leaves room for Terra's largest chunks (at most 10 MB each) and for big
 * Thryve backfill batches, while one hostile delivery still costs only a small, bounded share of memory.
 * 10 s for the body: the providers wait 2 s (Thryve), ~8 s (Terra) and 15 s (Vital) for the whole answer,
 * so a body still arriving after 10 s can rarely be acknowledged in time anyway; the bound is there to free
 * the connection from a stalled or hostile sender, and the provider retries.
 */
export const DEFAULT_BODY_LIMITS: Readonly<BodyLimits> = Object.freeze({
  maxWireBytes: 16 * MiB,
  maxDecodedBytes: 16 * MiB,
  bodyTimeoutMs: 10_000,
});
