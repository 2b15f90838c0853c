import { ACCEPTED } from '../http/error-response.js';
import type { ProviderDefinition } from '../providers/provider-definition.js';
import type { Acknowledger } from './acknowledge-now.js';
import { createPipeline } from './pipeline.js';
import { receiveDelivery } from './receive-delivery.js';

/** What one warm-up delivery became: its event type, and whether it came through as a conforming typed event. */
export interface WarmUpOutcome {
  readonly type: string;
  readonly conforming: boolean;
}

/**
 * The validators of the providers whose warm-up has been scheduled in this process. By validator, not
 * by definition: a copy of a definition (as tests make, to count calls) shares what was warmed.
 */
const scheduled = new WeakSet<object>();

/**
 * Schedules `warmUp` for the first idle moment after this call, once per provider per process, and
 * returns its promise (`undefined` when it was already scheduled). Nothing waits for it: construction
 * stays as fast as it was, and a server cannot receive a request before it has listened, which takes
 * the event loop at least that turn. The timer is unref'd, so a script that builds a receiver and
 * exits is not held up; a failed warm-up changes nothing but the first delivery's speed, so it is
 * dropped.
 */
export function scheduleWarmUp(provider: ProviderDefinition<unknown>): Promise<readonly WarmUpOutcome[]> | undefined {
  if (scheduled.has(provider.validator)) return undefined;
  scheduled.add(provider.validator);
  return new Promise((resolve) => {
    const run = (): void => {
      warmUp(provider).then(resolve, () => resolve([]));
    };
    try {
      const timer = setTimeout(run, 0) as { unref?: () => void };
      timer.unref?.();
    } catch {
      // A runtime that refuses timers while a module loads (Cloudflare Workers at global scope): no warm-up.
      resolve([]);
    }
  });
}

/**
 * Runs the provider's `warmUpDeliveries` through the receiver's own stages (body, decoding, JSON, the
 * gate, conformance, the typed event) without authentication, store, handlers or log: V8 compiles a
 * function on its first call and runs it slowly until it is warm, and the schema interpreter builds
 * each type's checks on its first payload. Together that was 5-10 ms inside each provider's first
 * delivery; the first delivery of a type the warm-up did not cover still builds that type's checks.
 */
export async function warmUp(provider: ProviderDefinition<unknown>): Promise<readonly WarmUpOutcome[]> {
  const pipeline = createPipeline(provider, { authenticators: [] });
  const outcomes: WarmUpOutcome[] = [];
  const acknowledger: Acknowledger = {
    keepsText: false,
    async acknowledge({ received, quarantine }) {
      if (quarantine === undefined) provider.toEvent(received);
      outcomes.push({ type: received.type, conforming: quarantine === undefined && received.drift === undefined });
      return ACCEPTED;
    },
  };
  for (const { headers, body } of provider.warmUpDeliveries()) {
    await receiveDelivery(pipeline, { method: 'POST', headers, body: { kind: 'buffer', buffer: body } }, acknowledger);
  }
  return outcomes;
}
