// Large and hostile bodies through the Thryve receiver, each in a fresh child process so its peak memory
// is its own: 1 MiB and 10 MiB decoded epoch batches (zstd) must be accepted quickly and with peak RSS
// growth under 3× the decoded size; 1 GiB decompression bombs must be refused (413) without ever
// holding much more than the decoded limit.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LargeBodyJob, LargeBodyOutcome } from './children/large-body-child.js';
import { bombs } from './lib/bombs.js';
import { benchPath, CACHE_DIR, isMain, runTsForJson } from './lib/child.js';
import { receiverFactory } from './lib/core-api.js';
import { DEFAULT_BODY_LIMITS } from './lib/core-internals.js';
import { thryveDelivery, thryveEpochJson, thryveSignedHeaders, typicalDelivery } from './lib/fixtures.js';
import { bytes, millis, times } from './lib/format.js';
import { runAsScript, type GroupOptions } from './lib/group.js';
import { target, type Section, type TargetResult } from './lib/results.js';
import { median, ratio } from './lib/stats.js';
import { zstdReady } from './lib/zstd.js';

const MiB = 1024 * 1024;

function runChild(job: LargeBodyJob): Promise<LargeBodyOutcome> {
  return runTsForJson<LargeBodyOutcome>(benchPath('children', 'large-body-child.ts'), {
    nodeFlags: ['--expose-gc'],
    args: [JSON.stringify(job)],
    timeoutMs: 120_000,
  });
}

export async function run(options: GroupOptions): Promise<Section> {
  const started = performance.now();
  await zstdReady();
  const notes: string[] = [];
  const targets: TargetResult[] = [];
  if (receiverFactory('thryve') === undefined) throw new Error('createThryveReceiver is not exported');
  const dir = join(CACHE_DIR, 'large');
  mkdirSync(dir, { recursive: true });
  const warmupDelivery = typicalDelivery('thryve');
  writeFileSync(join(dir, 'warmup.zst'), warmupDelivery.body);
  const warmup = { file: join(dir, 'warmup.zst'), headers: { ...warmupDelivery.headers } };

  const batchRows: string[][] = [];
  for (const size of [1 * MiB, 10 * MiB]) {
    const json = thryveEpochJson(size);
    const delivery = thryveDelivery(json, { compress: true });
    const file = join(dir, `batch-${size / MiB}mib.zst`);
    writeFileSync(file, delivery.body);
    const points = (json.toString('latin1').match(/"startTimestamp"/g) ?? []).length;
    const outcome = await runChild({ file, headers: { ...delivery.headers }, warmup, repeats: options.quick ? 1 : 3 });
    const growthRatio = ratio(outcome.peakGrowth, json.length);
    batchRows.push([
      `${bytes(json.length)} (${points.toLocaleString('en-US')} epoch points)`,
      bytes(delivery.body.length),
      `${outcome.status}${outcome.code === undefined ? '' : ` ${outcome.code}`}`,
      millis(outcome.firstMs),
      millis(median(outcome.repeatMs)),
      bytes(outcome.peakGrowth),
      times(growthRatio),
    ]);
    if (size === 10 * MiB) {
      targets.push(
        target(
          '10 MB decoded batch accepted with peak RSS growth < 3× decoded size',
          `${outcome.status}, ${bytes(outcome.peakGrowth)} = ${times(growthRatio)} of ${bytes(json.length)}`,
          outcome.status === 204 && growthRatio < 3,
        ),
      );
    }
  }

  const bombRows: string[][] = [];
  const limit = DEFAULT_BODY_LIMITS.maxDecodedBytes;
  const bombStart = performance.now();
  const list = await bombs();
  notes.push(`The bombs took ${((performance.now() - bombStart) / 1000).toFixed(1)} s to make or load (cached in bench/node_modules/.cache/wearhook-bench/bombs).`);
  for (const bomb of list) {
    const outcome = await runChild({
      file: bomb.file,
      headers: thryveSignedHeaders(readFileSync(bomb.file), bomb.contentEncoding),
      warmup,
      repeats: 0,
    });
    bombRows.push([
      bomb.name,
      bytes(statSync(bomb.file).size),
      `${outcome.status}${outcome.code === undefined ? '' : ` ${outcome.code}`}`,
      millis(outcome.firstMs),
      bytes(outcome.peakGrowth),
      times(ratio(outcome.peakGrowth, limit)),
    ]);
  }
  notes.push(
    'Bombs are validly signed: the HMAC covers the wire bytes, so an attacker without the secret is refused (401) before any decoding. ' +
      'These rows are the worst case, a sender that can sign (or an endpoint without a secret), whose bomb reaches the decoder.',
  );

  return {
    id: 'large-bodies',
    title: 'Large and hostile bodies',
    node: process.version,
    intro: [
      'Each row is a fresh child process (`--expose-gc`) with a Thryve receiver: it handles 20 typical deliveries first (schemas compiled, code warm), ' +
        'collects garbage, resets the peak-RSS counter (Linux `clear_refs`), then handles the body arriving in 64 KiB chunks, as from a socket. ' +
        '“Peak RSS growth” is the highest resident memory during that delivery minus the resident memory just before it: everything the ' +
        'delivery made the process hold at once (wire buffer, decoded bytes, the JSON text and parsed objects, the typed event), as the operating ' +
        'system saw it. Time is wall-clock through `receiver.handle()`; “later runs” is the median of repeats in the same process.',
      `Decoded limit: the default \`maxDecodedBytes\`, ${bytes(limit)}.`,
    ],
    tables: [
      {
        title: 'Thryve epoch batches (zstd level 3), through the whole pipeline',
        headers: ['Decoded size', 'Wire size', 'Status', 'First run ms', 'Later runs ms', 'Peak RSS growth', 'Growth ÷ decoded'],
        rows: batchRows,
      },
      {
        title: `Decompression bombs (refused at the ${bytes(limit)} decoded limit)`,
        headers: ['Bomb', 'Wire size', 'Status', 'ms to refuse', 'Peak RSS growth', 'Growth ÷ limit'],
        rows: bombRows,
      },
    ],
    notes,
    targets,
    seconds: (performance.now() - started) / 1000,
  };
}

if (isMain(import.meta.url)) await runAsScript(run);
