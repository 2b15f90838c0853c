import type { EventHub } from '../events/event-hub.js';
import type { RecordRef } from '../events/webhook-event.js';
import type { EventContext, ProviderDefinition } from '../providers/provider-definition.js';
import { classifyDelivery, storedVerdict, type ClassifiedDelivery } from '../receiver/classify-delivery.js';
import type { Drift } from '../validation/drift.js';
import { runHandlers } from '../receiver/run-handlers.js';
import type { ClaimedDelivery, WebhookStore } from '../stores/webhook-store.js';

/**
 * Records written per store call. A Vital timeseries at the body limit carries about 10^5 samples, one
 * record each: written in one call, that is one transaction holding the event loop for seconds. In
 * chunks, each commit is short and other deliveries' writes and requests run in between. A crash
 * between chunks leaves some written: the retry writes them again, a no-op (same version).
 */
export const RECORDS_PER_WRITE = 500;

async function upsertInChunks(store: Pick<WebhookStore, 'upsertRecords'>, provider: ProviderDefinition<unknown>['name'], records: readonly RecordRef[], receivedAt: Date): Promise<void> {
  if (records.length <= RECORDS_PER_WRITE) {
    await store.upsertRecords(provider, records, { receivedAt });
    return;
  }
  for (let start = 0; start < records.length; start += RECORDS_PER_WRITE) {
    await store.upsertRecords(provider, records.slice(start, start + RECORDS_PER_WRITE), { receivedAt });
  }
}

/** Handlers failed: already reported one by one to `onError`, and the delivery is retried. */
export class HandlersFailed extends AggregateError {
  override name = 'HandlersFailed';
}

/** How one provider's deliveries are dispatched by the inbox worker. */
export interface ProviderDispatch {
  /** A delivery claimed from the store: its event is rebuilt from the stored body and context. */
  stored(delivery: ClaimedDelivery): Promise<void>;
  /**
   * A delivery this process validated and persisted a moment ago: its event is built from the payload
   * already parsed (no second JSON.parse or validation), when the worker gets to it.
   */
  received(input: EventContext): Promise<void>;
}

/**
 * Dispatching one provider's deliveries: build the event (the same classification as at receipt,
 * with the same stored context, so both paths build the same event), upsert its records when
 * `storeRecords` is `true` (a no-op when replayed, so record effects happen once however often the
 * delivery is dispatched), then run the handlers. A failing handler rejects with `HandlersFailed`, and
 * the dispatcher retries with backoff or marks the delivery dead.
 */
export function providerDispatch<EventMap, Event extends { readonly type: string; readonly deliveryKey: string; readonly records: readonly RecordRef[] }>(
  provider: ProviderDefinition<Event>,
  store: Pick<WebhookStore, 'upsertRecords'>,
  hub: EventHub<EventMap>,
  options: { readonly storeRecords?: boolean } = {},
): ProviderDispatch {
  const storeRecords = options.storeRecords === true;
  async function dispatch(delivery: ClassifiedDelivery<Event>, receivedAt: Date): Promise<void> {
    if (storeRecords && delivery.kind === 'event') await upsertInChunks(store, provider.name, delivery.event.records, receivedAt);
    const failures = await runHandlers(hub, provider.name, delivery);
    if (failures.length > 0) {
      // The messages go into the store's last_error, where an operator looks before requeueing.
      const messages = failures.map((failure) => (failure.error instanceof Error ? failure.error.message : String(failure.error)));
      throw new HandlersFailed(
        failures.map((failure) => failure.error),
        `${failures.length} handler(s) failed for ${delivery.type}: ${messages.join('; ')}`,
      );
    }
  }

  return {
    async stored(stored) {
      const input = {
        type: stored.eventType,
        payload: JSON.parse(stored.body) as unknown,
        deliveryKey: stored.deliveryKey,
        receivedAt: stored.receivedAt,
        context: stored.context,
      };
      // Accepted at receipt: its stored drift is its verdict, nothing is validated again. A delivery
      // stored with issues was quarantined and requeued by an operator: it is classified afresh.
      if (stored.issues === undefined) return dispatch(classifyDelivery(provider, input, storedVerdict(stored.drift as Drift | undefined)), stored.receivedAt);
      return dispatch(classifyDelivery(provider, input), stored.receivedAt);
    },
    received(input) {
      return dispatch({ kind: 'event', event: provider.toEvent(input), type: input.type, drift: input.drift }, input.receivedAt);
    },
  };
}
