import type { EventHub } from '../events/event-hub.js';
import type { RecordRef } from '../events/webhook-event.js';
import { createDispatcher, type Dispatcher } from '../inbox/dispatcher.js';
import type { ProviderDefinition } from '../providers/provider-definition.js';
import type { ClaimedDelivery, WebhookStore } from '../stores/webhook-store.js';
import { classifyDelivery } from './classify-delivery.js';
import type { WorkerOptions } from './receiver-options.js';
import { runHandlers } from './run-handlers.js';

/** Handlers failed: already reported one by one, and the delivery is retried. */
class HandlersFailed extends AggregateError {
  override name = 'HandlersFailed';
}

/**
 * The worker that turns stored deliveries back into events: it rebuilds the event from the stored body
 * (the same classification as at receipt), upserts its records (a no-op when replayed, so record
 * effects happen once however often the delivery is dispatched), then runs the handlers. A failing
 * handler rejects, and the dispatcher retries with backoff or marks the delivery dead.
 */
export function createStoreWorker<EventMap, Event extends { readonly type: string; readonly deliveryKey: string; readonly records: readonly RecordRef[] }>(
  provider: ProviderDefinition<Event>,
  store: WebhookStore,
  hub: EventHub<EventMap>,
  options: WorkerOptions,
): Dispatcher {
  async function dispatch(stored: ClaimedDelivery): Promise<void> {
    const delivery = classifyDelivery(provider, {
      type: stored.eventType,
      payload: JSON.parse(stored.body) as unknown,
      deliveryKey: stored.deliveryKey,
      receivedAt: stored.receivedAt,
    });
    if (delivery.kind === 'event') {
      await store.upsertRecords(provider.name, delivery.event.records, { receivedAt: stored.receivedAt });
    }
    const failures = await runHandlers(hub, provider.name, delivery);
    if (failures.length > 0) {
      // The messages go into the store's last_error, where an operator looks before requeueing.
      const messages = failures.map((failure) => (failure.error instanceof Error ? failure.error.message : String(failure.error)));
      throw new HandlersFailed(
        failures.map((failure) => failure.error),
        `${failures.length} handler(s) failed for ${stored.eventType}: ${messages.join('; ')}`,
      );
    }
  }

  return createDispatcher({
    ...options,
    store,
    dispatch,
    providers: [provider.name],
    onError: (error, context) => {
      // Handler failures were reported by runHandlers already; report store and worker failures here.
      if (error instanceof HandlersFailed) return;
      hub.reportError({ provider: provider.name, phase: 'dispatch', error, deliveryKey: context.delivery?.deliveryKey, eventType: context.delivery?.eventType });
    },
  });
}
