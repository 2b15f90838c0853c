import type { WebhookStore } from '../stores/webhook-store.js';

/** How often retention runs. */
const PURGE_INTERVAL_MS = 60 * 60 * 1000;
/** Rows per purge step: small enough that one step never stalls the process. */
const PURGE_STEP_LIMIT = 1000;

export interface PurgeScheduleOptions {
  /** Read at each run, so receivers joining or leaving the store's inbox change it. */
  readonly retentionMs: () => number;
  readonly bodyRetentionMs: () => number;
  readonly onError: (error: unknown) => void;
  /** For tests. Default: hourly. */
  readonly intervalMs?: number;
}

/**
 * Runs retention every hour: bounded purge steps (see `WebhookStore.purge`) one after another, each in
 * its own turn of the event loop, until a step comes back short. Returns a function that stops it.
 * The timer never keeps a process alive that is otherwise done.
 */
export function schedulePurge(store: Pick<WebhookStore, 'purge'>, options: PurgeScheduleOptions): () => void {
  let stopped = false;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    purgeAll(store, options, () => stopped)
      .catch(options.onError)
      .finally(() => {
        running = false;
      });
  }, options.intervalMs ?? PURGE_INTERVAL_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** Purges in bounded steps until a step does less than its limit. Resolves the rows touched. */
export async function purgeAll(
  store: Pick<WebhookStore, 'purge'>,
  options: Pick<PurgeScheduleOptions, 'retentionMs' | 'bodyRetentionMs'>,
  stopped: () => boolean = () => false,
): Promise<number> {
  let total = 0;
  while (!stopped()) {
    const nowMs = Date.now();
    const { purged, bodiesDropped } = await store.purge({
      olderThan: new Date(nowMs - options.retentionMs()),
      bodiesOlderThan: new Date(nowMs - options.bodyRetentionMs()),
      limit: PURGE_STEP_LIMIT,
    });
    total += purged + bodiesDropped;
    if (purged + bodiesDropped < PURGE_STEP_LIMIT) break;
    // Let requests in between steps.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return total;
}
