import { WebhookError } from '../errors/webhook-error.js';
import type { EventHub } from '../events/event-hub.js';
import { ACCEPTED } from '../http/error-response.js';
import type { WebhookResponse } from '../http/webhook-request.js';
import type { ProviderDefinition } from '../providers/provider-definition.js';
import type { ClassifiedDelivery } from './classify-delivery.js';
import type { Classified } from './payload-stages.js';
import type { DeliveryLog } from '../logging/delivery-log.js';
import { HandlerTimeoutError, withTimeout } from '../inbox/handler-timeout.js';
import { reportReceipt } from './report-receipt.js';
import { runHandlers } from './run-handlers.js';

/**
 * How long handlers may run before a delivery without a store is answered 500 `handler_timeout`
 * (`handlerTimeoutMs`): 15 s, the longest any provider waits for an answer (Vital's). It frees the
 * request; the provider has usually stopped waiting by then and retries on its own.
 */
export const DEFAULT_NO_STORE_HANDLER_TIMEOUT_MS = 15_000;

/** The last stage: how a classified delivery is answered (with or without a store). */
export interface Acknowledger {
  /** Whether the decoded text is still needed after parsing (a store keeps it); otherwise it is let go early. */
  readonly keepsText: boolean;
  acknowledge(classified: Classified, text: string | undefined): Promise<WebhookResponse>;
}

/**
 * No store: the handlers run before the acknowledgement, so a failure can still ask the provider for
 * a retry (500 `handler_failed`), and so can handlers that take longer than `handlerTimeoutMs` (500
 * `handler_timeout`): without that a handler that never settles would hold its request, and each retry
 * another one, for as long as the process lives.
 */
export function acknowledgeNow<Event extends { readonly type: string; readonly deliveryKey: string }>(
  provider: ProviderDefinition<Event>,
  hub: EventHub<unknown>,
  log: DeliveryLog,
  handlerTimeoutMs: number = DEFAULT_NO_STORE_HANDLER_TIMEOUT_MS,
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
      let failures: Awaited<ReturnType<typeof runHandlers>>;
      try {
        failures = await withTimeout(
          () => runHandlers(hub, provider.name, delivery),
          handlerTimeoutMs,
          'the delivery is answered 500 handler_timeout while they go on',
        );
      } catch (error) {
        if (!(error instanceof HandlerTimeoutError)) throw error;
        hub.reportError({ provider: provider.name, phase: 'handler', error, deliveryKey: received.deliveryKey, eventType: received.type });
        throw new WebhookError(
          'handler_timeout',
          `The handlers did not finish within ${handlerTimeoutMs} ms and no store is configured to finish them later, so the delivery is refused for the provider to retry. Configure a store for handlers this slow.`,
        );
      }
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
