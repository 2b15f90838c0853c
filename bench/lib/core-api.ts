// The public API the benchmarks drive, looked up at run time: the Terra and Vital receivers and the
// receivers' `store` option are landing while this suite is written, so each is feature-detected and
// reported as "not available yet" rather than breaking the run.
import * as core from '@wearhook/core';
import type { Receiver, WebhookRequest, WebhookResponse } from '@wearhook/core';
import { createMemoryStore, createSqliteStore, type WebhookStore } from '@wearhook/core/stores';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock, SECRETS, typicalDelivery, type Delivery, type ProviderId } from './fixtures.js';
import { zstdReady } from './zstd.js';

export type AnyReceiver = Receiver<unknown>;
type Factory = (options: Record<string, unknown>) => AnyReceiver;

const FACTORY_NAMES: Readonly<Record<ProviderId, string>> = {
  thryve: 'createThryveReceiver',
  terra: 'createTerraReceiver',
  vital: 'createVitalReceiver',
};

export const PROVIDERS: readonly ProviderId[] = ['thryve', 'terra', 'vital'];

/** The receiver factory of `provider` when @wearhook/core exports it. */
export function receiverFactory(provider: ProviderId, module: object = core): Factory | undefined {
  const factory = (module as Record<string, unknown>)[FACTORY_NAMES[provider]];
  return typeof factory === 'function' ? (factory as Factory) : undefined;
}

/** Options for a benchmark receiver: the bench secret, the fixed clock, and whatever else is given. */
export function receiverOptions(provider: ProviderId, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { secret: SECRETS[provider], clock: fixedClock, ...extra };
}

/**
 * A receiver for `provider` with a no-op handler for every valid event (an application always has
 * one), counting unknown/invalid deliveries and refusals so a benchmark can prove it measured the
 * happy path. `undefined` when the factory is not exported yet.
 */
export function benchReceiver(provider: ProviderId, extra: Record<string, unknown> = {}): { receiver: AnyReceiver; counts: ReceiverCounts } | undefined {
  const factory = receiverFactory(provider);
  if (factory === undefined) return undefined;
  const receiver = factory(receiverOptions(provider, extra));
  const counts: ReceiverCounts = { events: 0, unknown: 0, invalid: 0, errors: 0, lastError: undefined };
  receiver.onAny(() => {
    counts.events++;
  });
  receiver.onUnknown(() => {
    counts.unknown++;
  });
  receiver.onInvalid(() => {
    counts.invalid++;
  });
  receiver.onError((event) => {
    counts.errors++;
    counts.lastError = (event as { error?: { message?: string } }).error?.message ?? 'unknown error';
  });
  return { receiver, counts };
}

export interface ReceiverCounts {
  events: number;
  unknown: number;
  invalid: number;
  errors: number;
  lastError: string | undefined;
}

/** A request whose body a framework has already buffered (no stream reading). */
export function bufferedRequest(delivery: Delivery): WebhookRequest {
  return { method: 'POST', headers: delivery.headers, body: { kind: 'buffer', buffer: delivery.body } };
}

/** Closes a receiver if its API has a way to (a store-backed receiver may run a dispatcher). */
export async function closeReceiver(receiver: unknown): Promise<void> {
  for (const name of ['close', 'stop']) {
    const fn = (receiver as Record<string, unknown> | null)?.[name];
    if (typeof fn === 'function') {
      await (fn as () => unknown).call(receiver);
      return;
    }
  }
}

export type StoreKind = 'memory' | 'sqlite';

export interface StoreHandle {
  readonly store: WebhookStore;
  readonly close: () => Promise<void>;
  readonly description: string;
}

/** A fresh store of `kind`; SQLite in a new temporary file (with the default, durable settings). */
export async function openStore(kind: StoreKind): Promise<StoreHandle> {
  if (kind === 'memory') return { store: createMemoryStore(), close: async () => undefined, description: 'memory' };
  const dir = mkdtempSync(join(tmpdir(), 'wearhook-bench-sqlite-'));
  const store = await createSqliteStore({ filename: join(dir, 'inbox.db') });
  return {
    store,
    description: `SQLite (${store.driver}, WAL, synchronous=FULL)`,
    close: async () => {
      await (store as { close?: () => unknown }).close?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface StoreSupport {
  readonly supported: boolean;
  readonly note: string;
}

/**
 * Whether the receiver factories accept a `store` and persist to it: a Thryve receiver is given a
 * memory store that counts its calls, and one delivery is handled.
 */
export async function detectStoreSupport(): Promise<StoreSupport> {
  const calls: Record<string, number> = {};
  const memory = createMemoryStore();
  const counting = new Proxy(memory, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(property)] = (calls[String(property)] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  let response: WebhookResponse | undefined;
  let failure: string | undefined;
  let receiver: AnyReceiver | undefined;
  try {
    await zstdReady();
    receiver = benchReceiver('thryve', { store: counting })?.receiver;
    response = await receiver?.handle(bufferedRequest(typicalDelivery('thryve')));
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  } finally {
    if (receiver) await closeReceiver(receiver).catch(() => undefined);
  }
  if ((calls.putIfAbsent ?? 0) > 0 && response?.status === 204) {
    return { supported: true, note: 'the receivers persist to a `store` before acknowledging' };
  }
  return {
    supported: false,
    note: `store variants: not available yet (a receiver given \`store\` ${failure === undefined ? `answered ${String(response?.status)} without calling putIfAbsent` : `threw: ${failure}`})`,
  };
}
