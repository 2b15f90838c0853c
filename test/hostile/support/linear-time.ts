import { performance } from 'node:perf_hooks';

/**
 * Whether a function's time grows linearly with its input, checked the cheap way: the same adversarial
 * pattern at two lengths ten times apart. A linear function takes about 10x longer on the longer
 * input, a quadratic one about 100x; the bound below (50x, plus a floor so that microsecond timings
 * of tiny work do not make a noisy ratio) separates the two on a busy machine. An absolute ceiling
 * catches anything slow at the long length regardless of ratio.
 */

export const SHORT = 10_000;
export const LONG = 100_000;
const MAX_RATIO = 50;
/**
 * Timings below this are noise (a young-generation GC at 100,000 characters alone can cost more than
 * the work at 10,000); a ratio is only meaningful above it. Safe: a quadratic parser does ~10⁸ steps
 * on 10,000 characters, tens of milliseconds at least.
 */
const FLOOR_MS = 1;
/** No parser may spend this long on 100,000 characters (D2's regex took 8–12 s). */
export const LONG_CEILING_MS = 150;

/** The fastest of `runs` calls, in ms: the minimum filters out GC pauses and scheduling noise. */
export function fastestMs(run: () => unknown, runs = 5): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** `unit` repeated to `length` characters, between `prefix` and `suffix`. */
export function adversarial(prefix: string, unit: string, length: number, suffix: string): string {
  const body = (unit === '' ? 'x' : unit).repeat(Math.ceil(length / Math.max(unit.length, 1))).slice(0, length);
  return prefix + body + suffix;
}

export interface Scaling {
  readonly shortMs: number;
  readonly longMs: number;
}

/** Times `parse` on the pattern at SHORT and LONG characters. Swallows exceptions: refusing is an answer. */
export function scaling(parse: (input: string) => unknown, prefix: string, unit: string, suffix: string): Scaling {
  const shortInput = adversarial(prefix, unit, SHORT, suffix);
  const longInput = adversarial(prefix, unit, LONG, suffix);
  const attempt = (input: string) => () => {
    try {
      parse(input);
    } catch {
      // A refusal is as good as a result; only the time matters here.
    }
  };
  // Warm up first, so the short timing is not the one paying for compilation.
  attempt(shortInput)();
  return { shortMs: fastestMs(attempt(shortInput)), longMs: fastestMs(attempt(longInput), 3) };
}

/** True when the two timings look linear (see the file's comment). */
export function looksLinear({ shortMs, longMs }: Scaling): boolean {
  return longMs <= LONG_CEILING_MS && longMs <= MAX_RATIO * Math.max(shortMs, FLOOR_MS);
}

export function describeScaling({ shortMs, longMs }: Scaling): string {
  return `${SHORT} chars: ${shortMs.toFixed(3)} ms, ${LONG} chars: ${longMs.toFixed(3)} ms (ratio ${(longMs / Math.max(shortMs, 1e-6)).toFixed(1)})`;
}
