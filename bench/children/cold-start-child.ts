// Child side of cold-start.ts, compiled to plain JavaScript and run by bare `node` (no loader), the way
// an application loads the published package. argv[2]: `import` or `require`, how to load it;
// argv[3]: URL of @wearhook/core's built index (ESM or CommonJS); argv[4]: a JSON file with the
// secrets, the fixed clock, one delivery per provider and one of another type per provider; argv[5]:
// milliseconds to wait after constructing the receivers before the first delivery (0: in the same turn;
// a server receives its first request only after it has listened, and wearhook warms up in between).
// Each receiver gets an `onAny` handler, as an app has (without one, each first delivery also pays for
// the no-handler warning's first write to stderr). Each provider's delivery is handled twice (the first
// builds the type's conformance checks, the second finds them built), then the other type's delivery.
// Prints one JSON line of milliseconds since the process started (performance.timeOrigin).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const bootMs = performance.now();

interface Input {
  readonly nowMs: number;
  readonly secrets: Record<string, string>;
  readonly deliveries: Record<string, { readonly body: string; readonly headers: Record<string, string> }>;
  readonly otherDeliveries: Record<string, { readonly body: string; readonly headers: Record<string, string> }>;
}

type Receiver = { handle(request: unknown): Promise<{ status: number }>; onAny(handler: () => void): unknown };
type Factory = (options: Record<string, unknown>) => Receiver;

const [how = 'import', coreUrl = '', inputFile = '', idle = '0'] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inputFile, 'utf8')) as Input;

const beforeImport = performance.now();
const core = (how === 'require' ? createRequire(import.meta.url)(fileURLToPath(coreUrl)) : await import(coreUrl)) as Record<string, unknown>;
const importedMs = performance.now();

const names = { thryve: 'createThryveReceiver', terra: 'createTerraReceiver', vital: 'createVitalReceiver' } as const;
const receivers: Record<string, Receiver> = {};
for (const [provider, name] of Object.entries(names)) {
  const factory = core[name];
  if (typeof factory === 'function') {
    const receiver = (factory as Factory)({ secret: input.secrets[provider], clock: () => input.nowMs });
    receiver.onAny(() => {});
    receivers[provider] = receiver;
  }
}
const constructedMs = performance.now();
const idleMs = Number(idle);
/** While idle: how long the event loop was busy (the warm-up runs then) and its longest busy stretch. */
const idleLoop = { busyMs: 0, longestBlockMs: 0 };
if (idleMs > 0) {
  const before = performance.eventLoopUtilization();
  let last = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    idleLoop.longestBlockMs = Math.max(idleLoop.longestBlockMs, now - last);
    last = now;
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  clearInterval(probe);
  idleLoop.busyMs = performance.eventLoopUtilization(before).active;
}

async function deliver(provider: string, receiver: Receiver, deliveries = input.deliveries): Promise<{ ms: number; status: number } | undefined> {
  const delivery = deliveries[provider];
  if (delivery === undefined) return undefined;
  const start = performance.now();
  const response = await receiver.handle({
    method: 'POST',
    headers: delivery.headers,
    body: { kind: 'buffer', buffer: Buffer.from(delivery.body, 'base64') },
  });
  return { ms: performance.now() - start, status: response.status };
}

const firstDelivery: Record<string, { ms: number; status: number }> = {};
for (const [provider, receiver] of Object.entries(receivers)) {
  const outcome = await deliver(provider, receiver);
  if (outcome !== undefined) firstDelivery[provider] = outcome;
}
const doneMs = performance.now();
const secondDelivery: Record<string, { ms: number; status: number }> = {};
for (const [provider, receiver] of Object.entries(receivers)) {
  const outcome = await deliver(provider, receiver);
  if (outcome !== undefined) secondDelivery[provider] = outcome;
}
const otherType: Record<string, { ms: number; status: number }> = {};
for (const [provider, receiver] of Object.entries(receivers)) {
  const outcome = await deliver(provider, receiver, input.otherDeliveries);
  if (outcome !== undefined) otherType[provider] = outcome;
}

process.stdout.write(
  `${JSON.stringify({
    bootMs,
    importMs: importedMs - beforeImport,
    constructMs: constructedMs - importedMs,
    readyMs: constructedMs,
    providers: Object.keys(receivers),
    firstDelivery,
    secondDelivery,
    otherType,
    idleLoop,
    doneMs,
  })}\n`,
);
