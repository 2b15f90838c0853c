import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createMemoryStore } from '@wearhook/core/stores';
import {
  createTerraReceiver,
  createThryveReceiver,
  createVitalReceiver,
  type ErrorEvent,
  type Receiver,
} from '@wearhook/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from '../support/send-raw.js';
import { FRAMEWORKS, close, urlOf, type Framework } from '../support/servers.js';
import { CORPUS_SECRETS, freshIds, signedDelivery, type SignedDelivery } from './corpus-delivery.js';
import { corpusBytes, corpusEntries, type CorpusEntry, type CorpusProvider } from './corpus-manifest.js';

// Every payload of the regression corpus (issue 9 item 10), signed as its provider signs it, sent over
// a real socket to Express and Koa, and held to the outcome its manifest entry names. Payloads stay
// byte for byte as stored; see README.md for how they were chosen and labelled.

const ENTRIES = corpusEntries();
const PROVIDERS: readonly CorpusProvider[] = ['thryve', 'terra', 'vital'];
const here = fileURLToPath(new URL('.', import.meta.url));

type AnyReceiver = Receiver<Record<string, unknown>>;

/** What reached the app for one delivery, in the order handlers ran. */
interface Seen {
  readonly via: 'on' | 'any' | 'invalid' | 'unknown';
  readonly type: string;
  readonly event: unknown;
}

interface ProviderServer {
  readonly server: Server;
  readonly seen: Seen[];
  readonly errors: ErrorEvent[];
  readonly receiver: AnyReceiver;
}

function createReceiver(provider: CorpusProvider, options: { store?: ReturnType<typeof createMemoryStore> }): AnyReceiver {
  const storeOptions = options.store === undefined ? {} : { store: options.store, worker: { pollIntervalMs: 10 } };
  switch (provider) {
    case 'thryve':
      return createThryveReceiver({ secret: CORPUS_SECRETS.thryve, ...storeOptions }) as unknown as AnyReceiver;
    case 'terra':
      return createTerraReceiver({ secret: CORPUS_SECRETS.terra, ...storeOptions }) as unknown as AnyReceiver;
    case 'vital':
      return createVitalReceiver({ secret: CORPUS_SECRETS.vital, ...storeOptions }) as unknown as AnyReceiver;
  }
}

/** Subscribes to every type the corpus expects from `provider` with `on(type)`, as an app would. */
function observe(provider: CorpusProvider, receiver: AnyReceiver): Pick<ProviderServer, 'seen' | 'errors'> {
  const seen: Seen[] = [];
  const errors: ErrorEvent[] = [];
  const types = [...new Set(ENTRIES.filter((entry) => entry.provider === provider).map((entry) => entry.eventType))];
  for (const type of types) {
    receiver.on(type as never, (event: unknown) => void seen.push({ via: 'on', type: (event as { type: string }).type, event }));
  }
  receiver.onAny((event) => void seen.push({ via: 'any', type: (event as { type: string }).type, event }));
  receiver.onInvalid((event) => void seen.push({ via: 'invalid', type: event.type, event }));
  receiver.onUnknown((event) => void seen.push({ via: 'unknown', type: event.type, event }));
  receiver.onError((event) => void errors.push(event));
  return { seen, errors };
}

async function serve(framework: Framework, provider: CorpusProvider, store?: ReturnType<typeof createMemoryStore>): Promise<ProviderServer> {
  const receiver = createReceiver(provider, { store });
  const observed = observe(provider, receiver);
  const server = await framework.serve(receiver as never);
  return { server, receiver, ...observed };
}

function post(target: ProviderServer, delivery: SignedDelivery) {
  return sendRaw(request(urlOf(target.server)).post(''), delivery.body, delivery.headers);
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the worker');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The issues of `event.drift` (issue 9: a bounded list of path and message, with a `truncated` flag),
 * whether it is the list itself or an object holding it; `undefined` while events carry no drift.
 */
function driftIssues(event: unknown): readonly unknown[] | undefined {
  const drift = (event as { drift?: unknown }).drift;
  if (drift === undefined || drift === null) return undefined;
  if (Array.isArray(drift)) return drift;
  const list = Object.values(drift as object).find((value) => Array.isArray(value)) as unknown[] | undefined;
  if (list === undefined) throw new Error(`event.drift has no list of issues: ${JSON.stringify(drift)}`);
  return list;
}

/** Checks what reached the handlers against the entry's expected outcome. */
function expectOutcome(entry: CorpusEntry, response: request.Response, seen: readonly Seen[]): void {
  const reached = seen.map(({ via, type }) => ({ via, type }));
  // Why a delivery was quarantined, shown when the outcome is not the expected one.
  const why = JSON.stringify(seen.map(({ event }) => (event as { issues?: unknown }).issues).filter(Boolean));
  switch (entry.expected) {
    case 'event': {
      expect(response.status).toBe(204);
      // The typed handler first, then the catch-all: one typed event, nothing quarantined.
      expect(reached, why).toEqual([
        { via: 'on', type: entry.eventType },
        { via: 'any', type: entry.eventType },
      ]);
      const issues = driftIssues(seen[0]!.event);
      if (entry.drift === 'expected') expect(issues?.length ?? 0, `${entry.id} should report drift`).toBeGreaterThan(0);
      if (entry.drift === 'undetected') expect(issues, `${entry.id} drifts only where the widened schema tolerates it`).toBeUndefined();
      return;
    }
    case 'quarantine':
      expect(response.status).toBe(204);
      expect(reached, why).toEqual([{ via: entry.quarantine ?? 'invalid', type: entry.eventType }]);
      return;
    case 'invalid_envelope':
      expect(response.status).toBe(400);
      expect(JSON.parse(response.text)).toMatchObject({ error: { code: 'invalid_envelope' } });
      expect(reached).toEqual([]);
      return;
  }
}

/**
 * An event as handlers see it, derived fields included. Two receipts differ in their receipt time, so
 * that is left out and times derived from it (a Terra S3 link's `expiresAt`) become offsets from it.
 */
function comparable(event: unknown): unknown {
  const { receivedAt, expiresAt, records, ...rest } = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  const receivedAtMs = Date.parse(receivedAt as string);
  // A record versioned by its delivery's receipt (a Thryve point without a creationTimestamp) is
  // compared by that relation, since the two deliveries were received at different times.
  const relative = Array.isArray(records)
    ? records.map((record: { version?: unknown }) => (record.version === receivedAtMs ? { ...record, version: 'receivedAt' } : record))
    : records;
  const compared = records === undefined ? rest : { ...rest, records: relative };
  if (typeof expiresAt !== 'string') return compared;
  return { ...compared, expiresAfterMs: Date.parse(expiresAt) - receivedAtMs };
}

describe('the corpus manifest', () => {
  it('expects every payload labelled a real delivery shape to reach on(type) as a typed event', () => {
    const real = ENTRIES.filter((entry) => entry.shape === 'real');
    expect(real.length).toBeGreaterThan(0);
    expect(real.filter((entry) => entry.expected !== 'event').map((entry) => entry.id)).toEqual([]);
  });

  it('names each payload once, with its source, and keeps the published text beside every conversion', () => {
    expect(new Set(ENTRIES.map((entry) => entry.id)).size).toBe(ENTRIES.length);
    for (const entry of ENTRIES) {
      expect(entry.id).toBe(entry.file.replace(/\.json$/, ''));
      expect(entry.file.startsWith(`${entry.provider}/`)).toBe(true);
      expect(entry.source.length).toBeGreaterThan(0);
      expect(() => JSON.parse(corpusBytes(entry.file).toString('utf8')) as unknown, entry.id).not.toThrow();
      expect(entry.original === undefined, entry.id).toBe(entry.conversion === undefined);
      if (entry.original !== undefined) expect(existsSync(`${here}${entry.original}`), entry.original).toBe(true);
    }
  });

  it.each(PROVIDERS)('holds at least 10 payloads of %s, from more than one published document', (provider) => {
    const payloads = ENTRIES.filter((entry) => entry.provider === provider);
    expect(payloads.length).toBeGreaterThanOrEqual(10);
    expect(new Set(payloads.map((entry) => entry.source.split(' ')[0])).size).toBeGreaterThan(1);
  });
});

describe.each(FRAMEWORKS)('the corpus over HTTP in $name, without a store', (framework) => {
  const targets = new Map<CorpusProvider, ProviderServer>();

  beforeAll(async () => {
    for (const provider of PROVIDERS) targets.set(provider, await serve(framework, provider));
  });
  afterAll(async () => {
    await Promise.all([...targets.values()].map((target) => close(target.server)));
  });

  it.each(ENTRIES)('$id → $expected', async (entry) => {
    const target = targets.get(entry.provider)!;
    const before = target.seen.length;
    const response = await post(target, signedDelivery(entry, corpusBytes(entry.file), freshIds()));
    expectOutcome(entry, response, target.seen.slice(before));
    expect(target.errors.filter((error) => error.phase !== 'request')).toEqual([]);
  });
});

describe.each(FRAMEWORKS)('payloads with the signature their source published, in $name', (framework) => {
  const published = ENTRIES.filter((entry) => entry.signature !== undefined);

  it.each(published)('$id is accepted with its published signature', async (entry) => {
    const { header, secret } = entry.signature!;
    const t = Number(/t=(\d+)/.exec(header)![1]);
    // The signature is years old: the clock is set to the moment it was made.
    const receiver = createTerraReceiver({ secret, clock: () => t * 1000 }) as unknown as AnyReceiver;
    const observed = observe('terra', receiver);
    const server = await framework.serve(receiver as never);
    try {
      const response = await post({ server, receiver, ...observed }, {
        body: corpusBytes(entry.file),
        headers: { 'content-type': 'application/json', 'terra-signature': header, 'x-terra-trace-id': `${entry.id}:${framework.name}` },
      });
      expectOutcome(entry, response, observed.seen);
    } finally {
      await close(server);
    }
  });
});

// The store path builds the event in its worker from the stored body; it must be the very event the
// no-store path hands over (issue 9: "With a store, the worker delivers exactly the event the no-store
// path would"), Terra's `reference` header included.
const ONE_EXPRESS_ONE_KOA = FRAMEWORKS.filter((framework) => framework.name === 'express 5' || framework.name === 'koa 3');

describe.each(ONE_EXPRESS_ONE_KOA)('the corpus over HTTP in $name, with a memory store', (framework) => {
  const direct = new Map<CorpusProvider, ProviderServer>();
  const stored = new Map<CorpusProvider, ProviderServer>();

  beforeAll(async () => {
    for (const provider of PROVIDERS) {
      direct.set(provider, await serve(framework, provider));
      stored.set(provider, await serve(framework, provider, createMemoryStore()));
    }
  });
  afterAll(async () => {
    for (const target of [...direct.values(), ...stored.values()]) {
      await close(target.server);
      await target.receiver.close();
    }
  });

  it.each(ENTRIES.filter((entry) => entry.expected !== 'invalid_envelope'))('$id: the worker builds the same event', async (entry) => {
    const withoutStore = direct.get(entry.provider)!;
    const withStore = stored.get(entry.provider)!;
    const payload = corpusBytes(entry.file);
    const delivery = signedDelivery(entry, payload, freshIds());
    // Terra names the request a chunk belongs to in `terra-reference`; the worker must keep it.
    if (entry.provider === 'terra') delivery.headers['terra-reference'] ??= `corpus-reference-${entry.id}`;

    const beforeDirect = withoutStore.seen.length;
    const beforeStored = withStore.seen.length;
    expect((await post(withoutStore, delivery)).status).toBe(204);
    const fromReceipt = withoutStore.seen.slice(beforeDirect);
    expect(fromReceipt.length).toBeGreaterThan(0);
    expect((await post(withStore, delivery)).status).toBe(204);
    // Whatever the receipt made of it (the outcome itself is the no-store tests' concern), the worker must match.
    await until(() => withStore.seen.length - beforeStored >= fromReceipt.length);

    const fromWorker = withStore.seen.slice(beforeStored);
    expect(fromWorker.map(({ via, type }) => ({ via, type }))).toEqual(fromReceipt.map(({ via, type }) => ({ via, type })));
    expect(comparable(fromWorker[0]!.event)).toEqual(comparable(fromReceipt[0]!.event));
    expect(withStore.errors.filter((error) => error.phase !== 'request')).toEqual([]);
  });
});
