import { ACCEPTED } from '../http/error-response.js';
import type { ProviderDefinition, WarmUpDelivery } from '../providers/provider-definition.js';
import type { Acknowledger } from './acknowledge-now.js';
import { createPipeline } from './pipeline.js';
import { receiveDelivery } from './receive-delivery.js';

/** What one warm-up delivery became: its event type, and whether it came through as a conforming typed event. */
export interface WarmUpOutcome {
  readonly type: string;
  readonly conforming: boolean;
}

interface QueuedWarmUp {
  readonly provider: ProviderDefinition<unknown>;
  readonly settle: (outcomes: readonly WarmUpOutcome[]) => void;
  postponedMs: number;
  /** The deliveries not yet run, once the first turn has asked the provider for them. */
  pending: WarmUpDelivery[] | undefined;
  readonly outcomes: WarmUpOutcome[];
}

// By validator, not by definition: a copy of a definition (as tests make, to count calls) shares what
// was warmed.
/** Validators of providers that are warm: warmed up, or through a real delivery's every stage. */
const warm = new WeakSet<object>();
/** Validators of providers waiting in `queue`. */
const queued = new WeakSet<object>();
const queue: QueuedWarmUp[] = [];
/** Deliveries under way in this process, by any receiver: no warm-up runs while there is one. */
let deliveriesInFlight = 0;
let timerSet = false;

/** Waits between looks for a moment without deliveries under way: doubling up to a second. */
const FIRST_POSTPONE_MS = 10;
const MAX_POSTPONE_MS = 1000;

/**
 * Queues `warmUp` for the provider once per process (`undefined` when it is warm or queued already)
 * and returns the promise of its outcomes. Nothing waits for it: construction stays as fast as it was,
 * and a server cannot receive a request before it has listened, which takes the event loop at least a
 * turn. The queue runs one sample delivery per timer turn (the first of a process ~5-6 ms, later ones
 * 1-3 ms), so I/O is served between them, and only when no delivery is under way: a delivery that arrives first never waits for a warm-up, and
 * one that goes through every stage makes its provider's warm-up unnecessary. Timers are unref'd, so a
 * script that builds a receiver and exits is not held up. A failed warm-up changes nothing but the
 * first delivery's speed, so it settles with no outcomes.
 */
export function scheduleWarmUp(provider: ProviderDefinition<unknown>): Promise<readonly WarmUpOutcome[]> | undefined {
  const { validator } = provider;
  if (warm.has(validator) || queued.has(validator) || provider.warmUpDeliveries === undefined) return undefined;
  queued.add(validator);
  const promise = new Promise<readonly WarmUpOutcome[]>((settle) => queue.push({ provider, settle, postponedMs: 0, pending: undefined, outcomes: [] }));
  nextTurn(0);
  return promise;
}

/** Counts a delivery as under way until `deliveryFinished`. */
export function deliveryStarted(): void {
  deliveriesInFlight += 1;
}

/** Ends `deliveryStarted`; `completed`: it went through every stage, so its provider is warm and needs no warm-up. */
export function deliveryFinished(provider: ProviderDefinition<unknown>, completed: boolean): void {
  deliveriesInFlight -= 1;
  if (completed) warm.add(provider.validator);
}

function nextTurn(delayMs: number): void {
  if (timerSet || queue.length === 0) return;
  try {
    const timer = setTimeout(() => void turn(), delayMs) as { unref?: () => void };
    timer.unref?.();
    timerSet = true;
  } catch {
    // A runtime that refuses timers while a module loads (Cloudflare Workers at global scope): the
    // queue waits for the next receiver built where timers work.
  }
}

async function turn(): Promise<void> {
  timerSet = false;
  const next = queue[0];
  if (next === undefined) return;
  const { provider } = next;
  const done = warm.has(provider.validator);
  if (!done && deliveriesInFlight > 0) {
    next.postponedMs = Math.min(Math.max(next.postponedMs * 2, FIRST_POSTPONE_MS), MAX_POSTPONE_MS);
    nextTurn(next.postponedMs);
    return;
  }
  let failed = false;
  if (!done) {
    try {
      next.pending ??= [...(provider.warmUpDeliveries?.() ?? [])];
      const delivery = next.pending.shift();
      if (delivery !== undefined) next.outcomes.push(await warmUpDelivery(provider, delivery));
    } catch {
      failed = true;
    }
  }
  if (done || failed || next.pending === undefined || next.pending.length === 0) {
    queue.shift();
    queued.delete(provider.validator);
    warm.add(provider.validator);
    next.settle(failed ? [] : next.outcomes);
  }
  nextTurn(0);
}

/**
 * Runs the provider's `warmUpDeliveries` through the receiver's own stages (body, decoding, JSON, the
 * gate, conformance, the typed event) without authentication, store, handlers or log: V8 compiles a
 * function on its first call and runs it slowly until it is warm, and the schema interpreter builds
 * each type's checks on its first payload. Together that was 5-8 ms inside each provider's first
 * delivery; the first delivery of a type the warm-up did not cover still builds that type's checks.
 */
export async function warmUp(provider: ProviderDefinition<unknown>): Promise<readonly WarmUpOutcome[]> {
  const outcomes: WarmUpOutcome[] = [];
  for (const delivery of provider.warmUpDeliveries?.() ?? []) outcomes.push(await warmUpDelivery(provider, delivery));
  return outcomes;
}

/** One warm-up delivery through the pipeline; rejects as the pipeline would refuse it. */
async function warmUpDelivery(provider: ProviderDefinition<unknown>, { headers, body }: WarmUpDelivery): Promise<WarmUpOutcome> {
  let outcome: WarmUpOutcome | undefined;
  const acknowledger: Acknowledger = {
    keepsText: false,
    async acknowledge({ received, quarantine }) {
      if (quarantine === undefined) provider.toEvent(received);
      outcome = { type: received.type, conforming: quarantine === undefined && received.drift === undefined };
      return ACCEPTED;
    },
  };
  await receiveDelivery(createPipeline(provider, { authenticators: [] }), { method: 'POST', headers, body: { kind: 'buffer', buffer: body } }, acknowledger);
  return outcome!;
}
