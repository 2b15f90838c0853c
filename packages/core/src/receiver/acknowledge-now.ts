import { WebhookError } from '../errors/webhook-error.js';
import type { EventHub } from '../events/event-hub.js';
import { ACCEPTED } from '../http/error-response.js';
import type { WebhookResponse } from '../http/webhook-request.js';
import type { ProviderDefinition } from '../providers/provider-definition.js';
import type { ClassifiedDelivery } from './classify-delivery.js';
import type { Classified } from './payload-stages.js';
import type { DeliveryLog } from '../logging/delivery-log.js';
import { reportReceipt } from './report-receipt.js';
import { runHandlers } from './run-handlers.js';

/** The last stage: how a classified delivery is answered (with or without a store). */
export interface Acknowledger {
  /** Whether the decoded text is still needed after parsing (a store keeps it); otherwise it is let go early. */
  readonly keepsText: boolean;
  acknowledge(classified: Classified, text: string | undefined): Promise<WebhookResponse>;
}

/**
 * No store: the handlers run before the acknowledgement, so a failure can still ask the provider for
 * a retry (500 `handler_failed`).
 */
export function acknowledgeNow<Event extends { readonly type: string; readonly deliveryKey: string }>(
  provider: ProviderDefinition<Event>,
  hub: EventHub<unknown>,
  log: DeliveryLog,
): Acknowledger {
  return {
    keepsText: false,
    async acknowledge(classified) {
      const { received, quarantine } = classified;
      void reportReceipt(provider.name, hub, log, classified);
      const delivery: ClassifiedDelivery<Event> = quarantine ?? {
        kind: 'event',
        event: provider.toEvent(received),
        type: received.type,
        drift: received.drift,
      };
      const failures = await runHandlers(hub, provider.name, delivery);
      if (failures.length > 0) {
        throw new WebhookError(
          'handler_failed',
          'A handler failed and no store is configured to retry it, so the provider is asked to retry the delivery.',
        );
      }
      return ACCEPTED;
    },
  };
}
