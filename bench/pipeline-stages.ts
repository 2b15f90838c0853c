// Per-stage microbenchmarks: what each step of the core pipeline costs for one typical (2.5 KB decoded)
// delivery of each provider, one delivery after another, and the whole pipeline through
// `receiver.handle()`. Also every decode path on the same Thryve batch, and the stores when the
// receivers take one.
import { PassThrough } from 'node:stream';
import { gzipSync, brotliCompressSync, deflateSync, constants as zlibConstants } from 'node:zlib';
import { benchReceiver, bufferedRequest, closeReceiver, detectStoreSupport, openStore, PROVIDERS, type StoreKind } from './lib/core-api.js';
import {
  decodeBody,
  decodeZstdWithJs,
  decodeZstdWithZlib,
  DEFAULT_BODY_LIMITS,
  hasNativeZstd,
  hmacSignature,
  parseBody,
  standardWebhooks,
  terraProvider,
  terraSignature,
  thryveProvider,
  vitalProvider,
} from './lib/core-internals.js';
import { distinctDeliveries, FIXED_NOW_MS, SECRETS, typicalDelivery, type Delivery, type ProviderId } from './lib/fixtures.js';
import { bytes, micros } from './lib/format.js';
import { isMain } from './lib/child.js';
import { runAsScript, type GroupOptions } from './lib/group.js';
import { target, type Section, type TargetResult } from './lib/results.js';
import { measureAsync, measureSync, type Measurement, type MeasureOptions } from './lib/timing.js';
import { zstd, zstdReady } from './lib/zstd.js';

const PROVIDER_DEFINITIONS = { thryve: thryveProvider, terra: terraProvider, vital: vitalProvider } as const;
const LABELS: Readonly<Record<ProviderId, string>> = { thryve: 'Thryve (zstd)', terra: 'Terra', vital: 'Vital' };
/** Issue 5's budget for the whole core pipeline of one typical delivery, store excluded. */
const BUDGET_US: Readonly<Record<ProviderId, number>> = { thryve: 50, terra: 25, vital: 25 };

function authenticatorFor(provider: ProviderId) {
  switch (provider) {
    case 'thryve':
      return hmacSignature({ secrets: SECRETS.thryve });
    case 'terra':
      return terraSignature({ secrets: SECRETS.terra });
    case 'vital':
      return standardWebhooks({ secrets: SECRETS.vital });
  }
}

function contentEncoding(delivery: Delivery): string | undefined {
  return delivery.headers['content-encoding'];
}

type Row = { stage: string; cells: Partial<Record<ProviderId, Measurement>> };

function cell(m: Measurement | undefined): string {
  return m === undefined ? '–' : `${micros(m.medianUs)} (${micros(m.p90Us)})`;
}

export async function run(options: GroupOptions): Promise<Section> {
  const started = performance.now();
  await zstdReady();
  const timing: MeasureOptions = options.quick ? { warmupMs: 50, durationMs: 120 } : { warmupMs: 150, durationMs: 400 };
  const notes: string[] = [];
  const targets: TargetResult[] = [];
  const stageRows: Row[] = [
    { stage: 'decode (`decodeBody`)', cells: {} },
    { stage: 'verify (signature)', cells: {} },
    { stage: 'parse (UTF-8 + JSON.parse)', cells: {} },
    { stage: 'validate (gate and conformance, by event type)', cells: {} },
    { stage: 'keys (delivery key + typed event with record keys)', cells: {} },
    { stage: 'sum of the stages above', cells: {} },
    { stage: '**`receiver.handle()`, buffered body** (the target)', cells: {} },
    { stage: '`receiver.handle()`, body read from a stream', cells: {} },
  ];
  const rows = Object.fromEntries(stageRows.map((row, i) => [i, row])) as Record<number, Row>;
  const sizes: string[] = [];

  for (const provider of PROVIDERS) {
    const definition = PROVIDER_DEFINITIONS[provider];
    const delivery = typicalDelivery(provider);
    const decoded = await decodeBody(delivery.body, contentEncoding(delivery), DEFAULT_BODY_LIMITS.maxDecodedBytes);
    sizes.push(`${LABELS[provider]}: ${bytes(decoded.length)} decoded, ${bytes(delivery.body.length)} on the wire`);
    const auth = authenticatorFor(provider);
    const authInput = { headers: delivery.headers, body: delivery.body, now: FIXED_NOW_MS };
    const payload = parseBody(decoded);
    const type = definition.eventTypeOf(payload);
    if (type === undefined) throw new Error(`${provider}: the fixture has no event type`);
    const validation = definition.validator.validate(type, payload);
    if (!validation.valid) throw new Error(`${provider}: the fixture fails its schema: ${JSON.stringify(validation.issues.slice(0, 3))}`);

    const decode = await measureAsync(() => decodeBody(delivery.body, contentEncoding(delivery), DEFAULT_BODY_LIMITS.maxDecodedBytes), timing);
    const verify = measureSync(() => auth.verify(authInput), timing);
    const parse = measureSync(() => parseBody(decoded), timing);
    const validate = measureSync(() => definition.validator.validate(type, payload), timing);
    const receivedAt = new Date(FIXED_NOW_MS);
    const keys = measureSync(() => {
      const deliveryKey = definition.deliveryKey(delivery.headers, decoded);
      const context = { type, payload, deliveryKey, receivedAt, headers: delivery.headers };
      // Events compute their records on first read; read them so this row keeps measuring the keys.
      const event = definition.toEvent(context) as { records: readonly unknown[] };
      return event.records.length;
    }, timing);
    const sum = [decode, verify, parse, validate, keys].reduce((total, m) => total + m.medianUs, 0);
    rows[0]!.cells[provider] = decode;
    rows[1]!.cells[provider] = verify;
    rows[2]!.cells[provider] = parse;
    rows[3]!.cells[provider] = validate;
    rows[4]!.cells[provider] = keys;
    rows[5]!.cells[provider] = { medianUs: sum, p10Us: Number.NaN, p90Us: Number.NaN, calls: 0, batches: 0 };

    const bench = benchReceiver(provider);
    if (bench === undefined) {
      notes.push(`${LABELS[provider]}: the receiver factory is not exported yet, so no \`receiver.handle()\` figure.`);
      targets.push(target(`Core pipeline ${LABELS[provider]} ≤ ${BUDGET_US[provider]} µs`, 'not available', undefined));
      continue;
    }
    const { receiver, counts } = bench;
    const probe = await receiver.handle(bufferedRequest(delivery));
    if (probe.status !== 204 || counts.events !== 1) {
      throw new Error(`${provider}: the receiver answered ${probe.status} (${probe.body ?? ''}); events ${counts.events}, invalid ${counts.invalid}`);
    }
    const handled = await measureAsync(() => receiver.handle(bufferedRequest(delivery)), timing);
    const streamed = await measureAsync(() => {
      const stream = new PassThrough();
      stream.end(delivery.body);
      return receiver.handle({ method: 'POST', headers: { ...delivery.headers, 'content-length': String(delivery.body.length) }, body: { kind: 'stream', stream } });
    }, timing);
    if (counts.invalid + counts.unknown + counts.errors > 0) throw new Error(`${provider}: deliveries were not all valid (${JSON.stringify(counts)})`);
    rows[6]!.cells[provider] = handled;
    rows[7]!.cells[provider] = streamed;
    await closeReceiver(receiver);
    const budget = BUDGET_US[provider];
    targets.push(
      target(
        `Core pipeline per 2.5 KB delivery, store excluded: ${LABELS[provider]} ≤ ${budget} µs`,
        `${micros(handled.medianUs)} µs (median; p90 ${micros(handled.p90Us)} µs)`,
        handled.medianUs <= budget,
      ),
    );
  }

  const tables: Section['tables'][number][] = [
    {
      title: 'µs per delivery, median (90th percentile), one delivery after another',
      headers: ['Stage', ...PROVIDERS.map((p) => LABELS[p])],
      rows: stageRows.map((row) => [row.stage, ...PROVIDERS.map((p) => (row.stage.startsWith('sum') ? micros(row.cells[p]?.medianUs ?? Number.NaN) : cell(row.cells[p])))]),
    },
  ];

  tables.push(await decodePaths(timing));
  const store = await storeStage(timing, options);
  if (store.table) tables.push(store.table);
  notes.push(...store.notes);

  return {
    id: 'pipeline-stages',
    title: 'Core pipeline, stage by stage',
    node: process.version,
    intro: [
      'Each figure is the median over batches of about 1 ms of µs per delivery, one delivery after another (never concurrently), ' +
        'after a warm-up; the 90th percentile of the batches is in brackets. The stages call the same functions the receiver calls, ' +
        'on the same bytes; `receiver.handle()` runs the whole pipeline (content type, signature, decoding, JSON, schema, keys, a no-op ' +
        'handler) with the body already buffered, as after a framework read it, and again reading it from a stream.',
      `Payloads: ${sizes.join('; ')}. Thryve: an \`event.data.epoch.create\` batch compressed with zstd level 3 (libzstd); Terra: an \`activity\` push; Vital: a \`daily.data.heartrate.created\` timeseries.`,
    ],
    tables,
    notes,
    targets,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Every content coding on the same Thryve batch, and both zstd decoders. */
async function decodePaths(timing: MeasureOptions): Promise<Section['tables'][number]> {
  const json = typicalDelivery('thryve', { compress: false }).body;
  const max = DEFAULT_BODY_LIMITS.maxDecodedBytes;
  const encoded = {
    zstd: zstd(json),
    gzip: gzipSync(json),
    deflate: deflateSync(json),
    br: brotliCompressSync(json, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 6 } }),
  };
  const rows: string[][] = [];
  const add = (label: string, wire: number, m: Measurement) => rows.push([label, bytes(wire), micros(m.medianUs), micros(m.p90Us)]);
  add('identity', json.length, await measureAsync(() => decodeBody(json, undefined, max), timing));
  add('zstd via `decodeBody` (the path the receiver takes)', encoded.zstd.length, await measureAsync(() => decodeBody(encoded.zstd, 'zstd', max), timing));
  add('zstd, pure-JS decoder (`decodeZstdWithJs`, synchronous)', encoded.zstd.length, measureSync(() => decodeZstdWithJs(encoded.zstd, max), timing));
  if (hasNativeZstd()) {
    add('zstd, node:zlib (`decodeZstdWithZlib`, async)', encoded.zstd.length, await measureAsync(() => decodeZstdWithZlib(encoded.zstd, max), timing));
  } else {
    rows.push(['zstd, node:zlib', bytes(encoded.zstd.length), 'n/a (no zstd in this Node’s zlib)', '']);
  }
  add('gzip', encoded.gzip.length, await measureAsync(() => decodeBody(encoded.gzip, 'gzip', max), timing));
  add('deflate', encoded.deflate.length, await measureAsync(() => decodeBody(encoded.deflate, 'deflate', max), timing));
  add('br (quality 6)', encoded.br.length, await measureAsync(() => decodeBody(encoded.br, 'br', max), timing));
  return {
    title: `Decoding the same ${bytes(json.length)} Thryve batch, µs per delivery`,
    headers: ['Path', 'Wire size', 'Median µs', 'p90 µs'],
    rows,
  };
}

/** `putIfAbsent` of a typical delivery, and `receiver.handle()` with each store, when receivers take one. */
async function storeStage(timing: MeasureOptions, options: GroupOptions): Promise<{ table?: Section['tables'][number]; notes: string[] }> {
  const support = await detectStoreSupport();
  if (!support.supported) return { notes: [support.note] };
  const rows: string[][] = [];
  const notes: string[] = [];
  const storeTiming: MeasureOptions = { ...timing, minBatches: options.quick ? 5 : 15 };
  const poolSize = options.quick ? 3_000 : 12_000;
  const pools: Record<ProviderId, Delivery[]> = {
    thryve: distinctDeliveries('thryve-zstd', poolSize),
    terra: distinctDeliveries('terra', poolSize),
    vital: distinctDeliveries('vital', poolSize),
  };
  for (const kind of ['memory', 'sqlite'] as StoreKind[]) {
    for (const provider of PROVIDERS) {
      const handle = await openStore(kind);
      try {
        const delivery = typicalDelivery(provider);
        const decoded = await decodeBody(delivery.body, contentEncoding(delivery), DEFAULT_BODY_LIMITS.maxDecodedBytes);
        const text = decoded.toString('utf8');
        const payload = parseBody(decoded);
        const eventType = PROVIDER_DEFINITIONS[provider].eventTypeOf(payload) ?? 'unknown';
        let n = 0;
        const put = await measureAsync(
          () =>
            handle.store.putIfAbsent({
              provider,
              deliveryKey: `${provider}:bench:${n++}`,
              eventType,
              state: 'pending',
              body: text,
              receivedAt: new Date(FIXED_NOW_MS),
            }),
          storeTiming,
        );
        // The whole pipeline with this store, on distinct deliveries (each a new delivery key); the worker
        // is off, so only what happens before the acknowledgement is timed.
        const bench = benchReceiver(provider, { store: handle.store, worker: false });
        let handled: Measurement | undefined;
        if (bench) {
          const pool = pools[provider];
          let next = 0;
          handled = await measureAsync(() => bench.receiver.handle(bufferedRequest(pool[next++ % pool.length] as Delivery)), storeTiming);
          if (next > pool.length) notes.push(`${handle.description}, ${LABELS[provider]}: more calls than distinct deliveries (${pool.length}); later ones were retries.`);
          if (bench.counts.errors > 0) throw new Error(`${provider} with ${kind} store: ${bench.counts.lastError ?? 'refused'}`);
          await closeReceiver(bench.receiver);
        }
        rows.push([handle.description, LABELS[provider], micros(put.medianUs), micros(put.p90Us), handled === undefined ? '–' : micros(handled.medianUs), handled === undefined ? '' : micros(handled.p90Us)]);
      } finally {
        await handle.close();
      }
    }
  }
  return {
    table: {
      title: 'Store stage: µs per new delivery (`putIfAbsent` alone; the whole `receiver.handle()` with the store, worker off, distinct deliveries)',
      headers: ['Store', 'Provider', '`putIfAbsent` median', 'p90', '`receiver.handle()` median', 'p90'],
      rows,
    },
    notes: [`Stores: ${support.note}.`, ...new Set(notes)],
  };
}

if (isMain(import.meta.url)) await runAsScript(run);
