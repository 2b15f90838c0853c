// Microbenchmark loops: one call after another, timed in batches of about a millisecond so the timer's
// own cost disappears, after a warm-up that lets V8 optimise. The median over batches resists the
// noise of a shared machine better than a mean.
import { median, quantile } from './stats.js';

export interface Measurement {
  /** Median µs per call over the batches. */
  readonly medianUs: number;
  /** 10th and 90th percentile of µs per call over the batches. */
  readonly p10Us: number;
  readonly p90Us: number;
  readonly calls: number;
  readonly batches: number;
}

export interface MeasureOptions {
  readonly warmupMs?: number;
  readonly durationMs?: number;
  /** Target length of one timed batch. */
  readonly batchMs?: number;
  readonly minBatches?: number;
}

const DEFAULTS = { warmupMs: 150, durationMs: 400, batchMs: 1, minBatches: 30 } as const;

function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Keeps results reachable so V8 cannot drop the work that produced them. */
export let sink: unknown;

export function measureSync(fn: () => unknown, options: MeasureOptions = {}): Measurement {
  const { warmupMs, durationMs, batchMs, minBatches } = { ...DEFAULTS, ...options };
  let calls = 0;
  const warmupEnd = nowMs() + warmupMs;
  const warmupStart = nowMs();
  while (nowMs() < warmupEnd || calls < 10) {
    sink = fn();
    calls++;
  }
  const perCall = (nowMs() - warmupStart) / calls;
  const batchSize = Math.max(1, Math.round(batchMs / Math.max(perCall, 1e-6)));
  const samples: number[] = [];
  const end = nowMs() + durationMs;
  let total = 0;
  while (nowMs() < end || samples.length < minBatches) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batchSize; i++) sink = fn();
    const elapsedUs = Number(process.hrtime.bigint() - start) / 1e3;
    samples.push(elapsedUs / batchSize);
    total += batchSize;
  }
  return summarize(samples, total);
}

export async function measureAsync(fn: () => Promise<unknown>, options: MeasureOptions = {}): Promise<Measurement> {
  const { warmupMs, durationMs, batchMs, minBatches } = { ...DEFAULTS, ...options };
  let calls = 0;
  const warmupStart = nowMs();
  const warmupEnd = warmupStart + warmupMs;
  while (nowMs() < warmupEnd || calls < 10) {
    sink = await fn();
    calls++;
  }
  const perCall = (nowMs() - warmupStart) / calls;
  const batchSize = Math.max(1, Math.round(batchMs / Math.max(perCall, 1e-6)));
  const samples: number[] = [];
  const end = nowMs() + durationMs;
  let total = 0;
  while (nowMs() < end || samples.length < minBatches) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batchSize; i++) sink = await fn();
    const elapsedUs = Number(process.hrtime.bigint() - start) / 1e3;
    samples.push(elapsedUs / batchSize);
    total += batchSize;
  }
  return summarize(samples, total);
}

function summarize(samples: readonly number[], calls: number): Measurement {
  return { medianUs: median(samples), p10Us: quantile(samples, 0.1), p90Us: quantile(samples, 0.9), calls, batches: samples.length };
}
