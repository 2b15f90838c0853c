/**
 * Counts repeated drift so the log is not flooded: a provider that changed one field sends it on every
 * delivery. Each (provider, event type, path) is logged the 1st, 10th, 100th, 1000th... time it is
 * seen, with its count: one line per order of magnitude rather than one per delivery, no timer, and
 * the count still tells an operator how common it is.
 */

/** The most distinct (provider, type, path) keys remembered; the oldest is forgotten beyond it. */
export const DRIFT_COUNTER_MAX_KEYS = 1000;

export class DriftCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly maxKeys: number = DRIFT_COUNTER_MAX_KEYS) {}

  /**
   * Counts one sighting; returns the count when this sighting should be logged (1, 10, 100, ...), else
   * `undefined`.
   */
  see(provider: string, type: string, path: string): number | undefined {
    const key = JSON.stringify([provider, type, path]);
    const count = (this.counts.get(key) ?? 0) + 1;
    // Re-inserted so the map's order is least recently seen first: the first key is the one to forget.
    this.counts.delete(key);
    this.counts.set(key, count);
    if (this.counts.size > this.maxKeys) {
      const oldest = this.counts.keys().next().value;
      if (oldest !== undefined) this.counts.delete(oldest);
    }
    return isPowerOfTen(count) ? count : undefined;
  }
}

function isPowerOfTen(value: number): boolean {
  let n = value;
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
}
