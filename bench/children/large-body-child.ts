// Child side of large-bodies.ts: one large or hostile delivery through a fresh Thryve receiver, its time
// and the peak resident memory it adds. Run with --expose-gc. argv[2]: a LargeBodyJob as JSON.
// Prints one JSON line (LargeBodyOutcome).
import { readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { benchReceiver, bufferedRequest } from '../lib/core-api.js';
import type { Delivery } from '../lib/fixtures.js';

export interface LargeBodyJob {
  /** The body as sent on the wire. */
  readonly file: string;
  readonly headers: Record<string, string>;
  /** A small delivery of the same kind, handled first so compilation and JIT are not counted. */
  readonly warmup: { readonly file: string; readonly headers: Record<string, string> };
  /** Extra timed runs after the measured one (time only). */
  readonly repeats: number;
}

export interface LargeBodyOutcome {
  readonly status: number;
  readonly code?: string;
  readonly firstMs: number;
  readonly repeatMs: number[];
  /** Peak RSS growth during the first run, bytes. */
  readonly peakGrowth: number;
  readonly peakSource: string;
  readonly wireBytes: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as LargeBodyJob;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function statusKiB(field: string): number | undefined {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/** The body arriving in 64 KiB chunks, as from a socket. */
function socketLike(body: Buffer): Readable {
  let offset = 0;
  return new Readable({
    highWaterMark: 64 * 1024,
    read() {
      if (offset >= body.length) {
        this.push(null);
        return;
      }
      const next = body.subarray(offset, offset + 64 * 1024);
      offset += next.length;
      this.push(next);
    },
  });
}

const bench = benchReceiver('thryve');
if (bench === undefined) throw new Error('createThryveReceiver is not exported');
const { receiver } = bench;
const warm: Delivery = { body: readFileSync(job.warmup.file), headers: job.warmup.headers };
for (let i = 0; i < 20; i++) await receiver.handle(bufferedRequest(warm));
const wire = readFileSync(job.file);
const headers = { ...job.headers, 'content-length': String(wire.length) };
const handle = () => receiver.handle({ method: 'POST', headers, body: { kind: 'stream', stream: socketLike(wire) } });

gc();
gc();
// Linux: writing 5 to clear_refs resets the peak (VmHWM) to the current RSS, so the peak is this run's.
let peakSource = 'VmHWM';
try {
  writeFileSync('/proc/self/clear_refs', '5');
} catch {
  peakSource = 'maxRSS (whole process)';
}
const baseline = statusKiB('VmRSS') ?? process.memoryUsage().rss / 1024;
let start = performance.now();
const response = await handle();
const firstMs = performance.now() - start;
const peak = (peakSource === 'VmHWM' ? statusKiB('VmHWM') : undefined) ?? process.resourceUsage().maxRSS;
const repeatMs: number[] = [];
for (let i = 0; i < job.repeats; i++) {
  gc();
  start = performance.now();
  await handle();
  repeatMs.push(performance.now() - start);
}
let code: string | undefined;
if (response.body !== undefined) code = (JSON.parse(response.body) as { error?: { code?: string } }).error?.code;
const outcome: LargeBodyOutcome = { status: response.status, ...(code === undefined ? {} : { code }), firstMs, repeatMs, peakGrowth: (peak - baseline) * 1024, peakSource, wireBytes: wire.length };
process.stdout.write(`${JSON.stringify(outcome)}\n`);
