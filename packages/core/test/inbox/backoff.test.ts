import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, fullJitterDelay } from '../../src/inbox/backoff.js';

describe('fullJitterDelay', () => {
  it('doubles the window per attempt up to the cap', () => {
    const almostOne = () => 0.999_999;
    const options = { baseMs: 1000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 60].map((attempt) => fullJitterDelay(attempt, options, almostOne))).toEqual([
      999, 1999, 3999, 7999, 9999, 9999,
    ]);
    expect(fullJitterDelay(3, options, () => 0)).toBe(0);
    expect(fullJitterDelay(3, options, () => 0.5)).toBe(2000);
  });

  it('stays within [0, min(max, base * 2^(attempt-1))) for any attempt and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        (attempt, r, baseMs, maxMs) => {
          const delay = fullJitterDelay(attempt, { baseMs, maxMs }, () => r);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 52)));
        },
      ),
    );
  });

  it('defaults to a 10 s base and a 1 h cap', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 10_000, maxMs: 3_600_000 });
    expect(fullJitterDelay(100, {}, () => 0.5)).toBe(1_800_000);
  });
});
