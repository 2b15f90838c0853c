import type { EventHub, HandlerFailure } from '../events/event-hub.js';
import type { ProviderName } from '../events/webhook-event.js';
import type { ClassifiedDelivery } from './classify-delivery.js';

/**
 * Runs the handlers a classified delivery calls for and reports each failure to `onError`. Shared by
 * the acknowledge-after-handlers path (no store) and the store's worker.
 */
export async function runHandlers<EventMap>(
  hub: EventHub<EventMap>,
  provider: ProviderName,
  delivery: ClassifiedDelivery<{ readonly type: string; readonly deliveryKey: string }>,
): Promise<HandlerFailure[]> {
  const failures =
    delivery.kind === 'event'
      ? await hub.emitEvent(delivery.event)
      : delivery.kind === 'unknown'
        ? await hub.emitUnknown(delivery.event)
        : await hub.emitInvalid(delivery.event);
  for (const failure of failures) {
    hub.reportError({ provider, phase: 'handler', error: failure.error, deliveryKey: delivery.event.deliveryKey, eventType: failure.eventType });
  }
  return failures;
}
