/** Exponential backoff bounds for retrying a failed dispatch. */
export interface BackoffOptions {
  /** The ceiling of the first retry's delay. Default 10 s. */
  readonly baseMs?: number;
  /** No delay exceeds this. Default 1 h. */
  readonly maxMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { baseMs: 10_000, maxMs: 60 * 60 * 1000 };

/**
 * The delay before retrying after failed attempt number `attempt` (1-based): "full jitter", a uniform
 * random delay in [0, min(maxMs, baseMs * 2^(attempt - 1))). Randomising the whole window spreads
 * retries of deliveries that failed together (say, while a database was down) instead of letting them
 * return in lockstep.
 */
export function fullJitterDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const baseMs = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  // Past 2^52 the product only overflows; the cap has long taken over by then.
  const exponent = Math.min(Math.max(attempt, 1) - 1, 52);
  const ceiling = Math.min(maxMs, baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
