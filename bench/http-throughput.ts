// HTTP throughput and latency on loopback: bare node:http, Express + express.json() and Koa +
// @koa/bodyparser as baselines, and wearhook in Express and in Koa for each provider, with and without
// a store. Each server runs in a child process; autocannon runs here, with the exact bytes of each
// delivery as a Buffer. Subjects run in alternating order over rounds (A B C … then … C B A), so a
// drift in the machine's load hits baseline and subject alike.
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { detectStoreSupport, receiverFactory, type StoreKind } from './lib/core-api.js';
import { benchPath, isMain, nextMessage, spawnTs, stopChild } from './lib/child.js';
import { distinctDeliveries, type Delivery, type PayloadId, type ProviderId } from './lib/fixtures.js';
import { bytes, fixed, times, whole } from './lib/format.js';
import { runAsScript, type GroupOptions } from './lib/group.js';
import { target, type Section, type TargetResult } from './lib/results.js';
import { mean, ratio } from './lib/stats.js';
import { zstdReady } from './lib/zstd.js';

type Framework = 'bare' | 'express' | 'koa';

const PAYLOAD_PROVIDER: Readonly<Record<PayloadId, ProviderId>> = { 'thryve-json': 'thryve', 'thryve-zstd': 'thryve', terra: 'terra', vital: 'vital' };
const PAYLOAD_LABEL: Readonly<Record<PayloadId, string>> = {
  'thryve-json': 'Thryve, uncompressed',
  'thryve-zstd': 'Thryve, zstd',
  terra: 'Terra',
  vital: 'Vital',
};
/** The baseline of each payload: the same JSON bytes (for zstd, the JSON it decodes to). */
const BASELINE_OF: Readonly<Record<PayloadId, PayloadId>> = { 'thryve-json': 'thryve-json', 'thryve-zstd': 'thryve-json', terra: 'terra', vital: 'vital' };
const PARSER: Readonly<Record<Framework, string>> = { bare: 'node:http', express: 'express.json()', koa: '@koa/bodyparser' };

interface Subject {
  readonly key: string;
  readonly label: string;
  readonly path: string;
  readonly payload: PayloadId;
  readonly baseline: boolean;
  readonly store?: StoreKind;
  /** Distinct deliveries (for stores, so every request is a new delivery); otherwise one, repeated. */
  readonly deliveries: readonly Delivery[];
}

interface RunFigures {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly bad: number;
}

interface Settings {
  readonly connections: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly rounds: number;
}

class Cursor {
  next = 0;
  wrapped = false;
}

async function load(port: number, subject: Subject, seconds: number, connections: number, cursor: Cursor): Promise<RunFigures> {
  const first = subject.deliveries[0];
  if (first === undefined) throw new Error(`${subject.label}: no deliveries`);
  const pool = subject.deliveries;
  const options: autocannon.Options = {
    url: `http://127.0.0.1:${port}${subject.path}`,
    method: 'POST',
    connections,
    pipelining: 1,
    duration: seconds,
    headers: { ...first.headers },
    body: first.body,
  };
  if (pool.length > 1) {
    options.requests = [
      {
        setupRequest: (request) => {
          const delivery = pool[cursor.next % pool.length] as Delivery;
          cursor.next++;
          if (cursor.next > pool.length) cursor.wrapped = true;
          return { ...request, headers: { ...delivery.headers }, body: delivery.body };
        },
      },
    ];
  }
  const result = await autocannon(options);
  const ok = result['2xx'];
  return {
    rps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

interface ServerHandle {
  readonly child: ChildProcess;
  readonly port: number;
  readonly routes: readonly string[];
}

async function startServer(framework: Framework, stores: boolean): Promise<ServerHandle> {
  const child = spawnTs(benchPath('children', 'http-server.ts'), { args: [JSON.stringify({ framework, stores })] });
  const ready = await nextMessage(
    child,
    (message) => {
      const m = message as { type?: string; port?: number; routes?: string[] } | null;
      return m?.type === 'ready' ? { port: m.port ?? 0, routes: m.routes ?? [] } : undefined;
    },
    60_000,
  );
  return { child, ...ready };
}

async function serverStats(server: ServerHandle): Promise<Record<string, { events: number; unknown: number; invalid: number; errors: number; lastError?: string }>> {
  const answer = nextMessage(
    server.child,
    (message) => {
      const m = message as { type?: string; routes?: Record<string, { events: number; unknown: number; invalid: number; errors: number; lastError?: string }> } | null;
      return m?.type === 'stats' ? (m.routes ?? {}) : undefined;
    },
    10_000,
  );
  server.child.send({ type: 'stats' });
  return answer;
}

interface SubjectFigures {
  readonly subject: Subject;
  readonly runs: RunFigures[];
  readonly ratios: number[];
  wrapped: boolean;
}

/** Warm-up, then `rounds` rounds in alternating order; ratios are taken against the baseline run of the same round. */
async function measureFramework(framework: Framework, subjects: readonly Subject[], settings: Settings, stores: boolean, log: (line: string) => void) {
  const server = await startServer(framework, stores);
  const figures = new Map<string, SubjectFigures>(subjects.map((s) => [s.key, { subject: s, runs: [], ratios: [], wrapped: false }]));
  const cursors = new Map<string, Cursor>(subjects.map((s) => [s.key, new Cursor()]));
  try {
    const runnable = subjects.filter((s) => s.baseline || server.routes.includes(s.path));
    for (const subject of runnable) await load(server.port, subject, settings.warmupSeconds, settings.connections, cursors.get(subject.key) as Cursor);
    for (let round = 0; round < settings.rounds; round++) {
      const order = round % 2 === 0 ? runnable : [...runnable].reverse();
      const thisRound = new Map<string, RunFigures>();
      for (const subject of order) {
        const run = await load(server.port, subject, settings.seconds, settings.connections, cursors.get(subject.key) as Cursor);
        thisRound.set(subject.key, run);
        (figures.get(subject.key) as SubjectFigures).runs.push(run);
        log(`  ${framework} round ${round + 1}: ${subject.label}: ${whole(run.rps)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms${run.bad > 0 ? `, ${run.bad} FAILED` : ''}`);
      }
      for (const subject of runnable) {
        if (subject.baseline) continue;
        const base = thisRound.get(`${framework}:baseline:${BASELINE_OF[subject.payload]}`);
        const own = thisRound.get(subject.key);
        if (base && own) (figures.get(subject.key) as SubjectFigures).ratios.push(ratio(own.rps, base.rps));
      }
    }
    for (const [key, cursor] of cursors) (figures.get(key) as SubjectFigures).wrapped = cursor.wrapped;
    const stats = await serverStats(server);
    return { figures, stats, routes: server.routes };
  } finally {
    await stopChild(server.child);
  }
}

export async function run(options: GroupOptions): Promise<Section> {
  const started = performance.now();
  await zstdReady();
  const settings: Settings = options.quick
    ? { connections: 8, seconds: 1, warmupSeconds: 0.5, rounds: 2 }
    : { connections: 8, seconds: Number(process.env.BENCH_HTTP_SECONDS ?? 2), warmupSeconds: 1, rounds: 2 };
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const support = await detectStoreSupport();
  // Enough distinct deliveries for the fastest store route over warm-up and rounds (about 6k req/s × 5 s).
  const poolSize = options.quick ? 4_000 : 40_000;
  const fixedDeliveries: Record<PayloadId, Delivery[]> = {
    'thryve-json': distinctDeliveries('thryve-json', 1),
    'thryve-zstd': distinctDeliveries('thryve-zstd', 1),
    terra: distinctDeliveries('terra', 1),
    vital: distinctDeliveries('vital', 1),
  };
  const pools: Partial<Record<PayloadId, Delivery[]>> = {};
  if (support.supported) for (const payload of ['thryve-zstd', 'terra', 'vital'] as PayloadId[]) pools[payload] = distinctDeliveries(payload, poolSize);

  const notes: string[] = [];
  const targets: TargetResult[] = [];
  const tables: Section['tables'][number][] = [];
  const missing = (['thryve', 'terra', 'vital'] as ProviderId[]).filter((p) => receiverFactory(p) === undefined);
  if (missing.length > 0) notes.push(`Not exported yet, so not measured: the ${missing.join(', ')} receiver(s).`);
  notes.push(
    support.supported
      ? `Store variants: ${support.note}; measured with the worker OFF (\`worker: false\`): the figures are the path to the acknowledgement only, nothing is handled, and they do not stand for what users run (the worker shares the event loop in the real configuration). The end-to-end inbox section measures that.`
      : support.note,
  );

  // Bare node:http: the ceiling of any framework on this machine.
  const bareSubject: Subject = { key: 'bare:baseline:thryve-json', label: 'node:http, read body, 204', path: '/baseline', payload: 'thryve-json', baseline: true, deliveries: fixedDeliveries['thryve-json'] };
  const bare = await measureFramework('bare', [bareSubject], settings, false, log);
  const bareRps = mean((bare.figures.get(bareSubject.key) as SubjectFigures).runs.map((r) => r.rps));
  const barePayload = fixedDeliveries['thryve-json'][0] as Delivery;

  for (const framework of ['express', 'koa'] as const) {
    const subjects: Subject[] = [];
    for (const payload of ['thryve-json', 'thryve-zstd', 'terra', 'vital'] as PayloadId[]) {
      if (BASELINE_OF[payload] === payload) {
        subjects.push({ key: `${framework}:baseline:${payload}`, label: `${PARSER[framework]} (${PAYLOAD_LABEL[payload]} JSON)`, path: '/baseline', payload, baseline: true, deliveries: fixedDeliveries[payload] });
      }
      const provider = PAYLOAD_PROVIDER[payload];
      subjects.push({ key: `${framework}:wearhook:${payload}`, label: `wearhook, ${PAYLOAD_LABEL[payload]}`, path: `/wearhook/${provider}`, payload, baseline: false, deliveries: fixedDeliveries[payload] });
      const pool = pools[payload];
      if (pool) {
        for (const store of ['memory', 'sqlite'] as StoreKind[]) {
          subjects.push({ key: `${framework}:wearhook:${payload}:${store}`, label: `wearhook, ${PAYLOAD_LABEL[payload]}, ${store} store, WORKER OFF (ack path only; see the inbox section for the real configuration)`, path: `/wearhook/${provider}/${store}`, payload, baseline: false, store, deliveries: pool });
        }
      }
    }
    const measured = await measureFramework(framework, subjects, settings, support.supported, log);
    const rows: string[][] = [];
    for (const subject of subjects) {
      const f = measured.figures.get(subject.key) as SubjectFigures;
      if (f.runs.length === 0) {
        rows.push([subject.label, 'not measured', '', '', '', '', '']);
        continue;
      }
      const rps = mean(f.runs.map((r) => r.rps));
      const bad = f.runs.reduce((n, r) => n + r.bad, 0);
      const r = mean(f.ratios);
      const base = measured.figures.get(`${framework}:baseline:${BASELINE_OF[subject.payload]}`);
      const baseRps = base === undefined ? Number.NaN : mean(base.runs.map((x) => x.rps));
      rows.push([
        subject.baseline ? `**${subject.label}** (baseline)` : subject.label,
        whole(rps) + (bad > 0 ? ` (${bad} non-2xx/errors!)` : ''),
        fixed(mean(f.runs.map((x) => x.p50)), 1),
        fixed(mean(f.runs.map((x) => x.p99)), 1),
        subject.baseline ? '1.00×' : times(r),
        subject.baseline ? '' : fixed((1 / rps - 1 / baseRps) * 1e6, 0),
        f.runs.map((x) => whole(x.rps)).join(' / ') + (f.wrapped ? ' (pool wrapped: later requests were retries)' : ''),
      ]);
      if (!subject.baseline && subject.store === undefined && subject.payload !== 'thryve-zstd') {
        targets.push(
          target(
            `wearhook in ${framework === 'express' ? 'Express' : 'Koa'} ≥ 0.95× ${PARSER[framework]} req/s, ${PAYLOAD_LABEL[subject.payload]}`,
            `${times(r)} (${whole(rps)} req/s)`,
            bad === 0 && Number.isFinite(r) ? r >= 0.95 : undefined,
          ),
        );
      }
    }
    tables.push({
      title: `${framework === 'express' ? 'Express 5' : 'Koa 3 + @koa/router'}: req/s (mean of rounds), latency in ms, ratio to ${PARSER[framework]} on the same JSON`,
      headers: ['Subject', 'req/s', 'p50 ms', 'p99 ms', 'Ratio', 'µs added per request', 'req/s per round'],
      rows,
    });
    const refused = Object.entries(measured.stats).filter(([, c]) => c.invalid + c.unknown + c.errors > 0);
    notes.push(
      refused.length === 0
        ? `${framework}: no delivery was refused, unknown or invalid; handlers ran for ${Object.values(measured.stats).reduce((n, c) => n + c.events, 0).toLocaleString('en-US')} events (stored deliveries wait for a worker, which is off).`
        : `${framework}: some deliveries were not valid events: ${JSON.stringify(Object.fromEntries(refused))}.`,
    );
  }

  tables.unshift({
    title: 'Bare node:http (reads the body, answers 204): the ceiling on this machine',
    headers: ['Subject', 'req/s', 'p50 ms', 'p99 ms', 'req/s per round'],
    rows: [
      [
        `node:http, ${bytes(barePayload.body.length)} JSON`,
        whole(bareRps),
        fixed(mean((bare.figures.get(bareSubject.key) as SubjectFigures).runs.map((r) => r.p50)), 1),
        fixed(mean((bare.figures.get(bareSubject.key) as SubjectFigures).runs.map((r) => r.p99)), 1),
        (bare.figures.get(bareSubject.key) as SubjectFigures).runs.map((r) => whole(r.rps)).join(' / '),
      ],
    ],
  });

  const sizes = (['thryve-json', 'thryve-zstd', 'terra', 'vital'] as PayloadId[]).map((p) => `${PAYLOAD_LABEL[p]} ${bytes((fixedDeliveries[p][0] as Delivery).body.length)}`).join(', ');
  return {
    id: 'http-throughput',
    title: 'HTTP throughput and latency (loopback)',
    node: process.version,
    intro: [
      `autocannon, ${settings.connections} connections, no pipelining, ${settings.seconds} s per run after a ${settings.warmupSeconds} s warm-up per subject, ` +
        `${settings.rounds} rounds in alternating order; the server in a child process on 127.0.0.1, autocannon in the parent. ` +
        `Bodies on the wire: ${sizes} (the zstd body decodes to the uncompressed Thryve JSON). Deliveries are signed with a fixed ` +
        'timestamp and the receivers get a clock next to it. Baselines parse the same bytes and answer 204 without verifying anything; ' +
        'wearhook verifies, decodes, parses, validates, builds the typed event and runs a no-op handler. The ratio is taken within each round ' +
        '(subject over its baseline in the same round), then averaged. “µs added per request” is 1/req/s of the subject minus that of its baseline: ' +
        'the extra server time per request while the server process is saturated. Store variants send distinct deliveries (a new delivery key each request).',
    ],
    tables,
    notes,
    targets,
    seconds: (performance.now() - started) / 1000,
  };
}

if (isMain(import.meta.url)) await runAsScript(run);
