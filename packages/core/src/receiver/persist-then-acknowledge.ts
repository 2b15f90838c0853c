import type { EventHub } from '../events/event-hub.js';
import { ACCEPTED } from '../http/error-response.js';
import type { Dispatcher } from '../inbox/dispatcher.js';
import type { ProviderDispatch } from '../inbox/provider-dispatch.js';
import type { ProviderName } from '../events/webhook-event.js';
import { StoreUnavailableError } from '../stores/store-unavailable-error.js';
import type { PutResult, WebhookStore } from '../stores/webhook-store.js';
import type { Acknowledger } from './acknowledge-now.js';
import type { DeliveryLog } from '../logging/delivery-log.js';
import { reportReceipt } from './report-receipt.js';
import { runHandlers } from './run-handlers.js';

export interface PersistTarget {
  readonly provider: ProviderName;
  readonly store: Pick<WebhookStore, 'putIfAbsent'>;
  readonly hub: EventHub<unknown>;
  readonly dispatch: ProviderDispatch;
  /** The store's worker in this process, or `undefined` when another process dispatches. */
  readonly worker: Dispatcher | undefined;
  /**
   * The platform's `waitUntil` (`CommonReceiverOptions.waitUntil`): the post-ack work is handed to it
   * instead of a background worker, and never rejects (failures go to `reportError`).
   */
  readonly waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
  readonly reportError?: (error: unknown) => void;
  /** Logs quarantine, unknown types and drift of each delivery inserted (a retry was logged the first time). */
  readonly log: DeliveryLog;
}

/**
 * Store: persist, then acknowledge; a retry of a stored delivery is only acknowledged. A valid event
 * is leased at insert to this process's worker when its in-memory queue has room, and handed to it
 * as it is (the payload already parsed and validated, the event built when the worker gets to it),
 * so it needs no claim round trip; otherwise it is stored unleased for the poll. Quarantined
 * deliveries are kept, not dispatched, and surfaced to `onUnknown` / `onInvalid` after the answer.
 */
export function persistThenAcknowledge(target: PersistTarget): Acknowledger {
  const { provider, store, hub, dispatch, worker, waitUntil } = target;
  const handOver = (work: Promise<unknown>): void => {
    waitUntil!(work.catch((error: unknown) => target.reportError?.(error)));
  };
  return {
    keepsText: true,
    async acknowledge(classified, text) {
      const { received, quarantine } = classified;
      // With `waitUntil` nothing is leased to a queue that may be frozen: the drain below claims it.
      const reservation = quarantine === undefined && waitUntil === undefined ? worker?.reserve() : undefined;
      let result: PutResult;
      try {
        result = await store.putIfAbsent({
          provider,
          deliveryKey: received.deliveryKey,
          eventType: received.type,
          state: quarantine === undefined ? 'pending' : 'quarantined',
          body: text!,
          receivedAt: received.receivedAt,
          issues:
            quarantine === undefined ? undefined : quarantine.kind === 'invalid' ? quarantine.event.issues : [{ path: '/', message: 'unknown event type' }],
          context: received.context,
          drift: received.drift,
          lease: reservation?.lease,
        });
      } catch (error) {
        reservation?.cancel();
        throw error instanceof StoreUnavailableError
          ? error
          : new StoreUnavailableError('The store failed to persist the delivery; the provider will retry.', { cause: error });
      }
      if (!result.inserted) {
        reservation?.cancel();
        try {
          target.log.duplicate({ provider, eventType: received.type, deliveryKey: received.deliveryKey });
        } catch {
          // A logger that throws must not turn the retry's 204 into a 500 (see reportReceipt).
        }
        return ACCEPTED;
      }
      const driftWork = reportReceipt(provider, hub, target.log, classified);
      // On a serverless platform the onDrift handlers run after the answer too: the platform must wait.
      if (driftWork !== undefined && waitUntil !== undefined) handOver(driftWork);
      if (waitUntil !== undefined) {
        handOver(quarantine !== undefined ? runHandlers(hub, provider, quarantine) : Promise.resolve(worker?.drain()));
      } else if (quarantine !== undefined) {
        void runHandlers(hub, provider, quarantine);
      } else if (reservation !== undefined) {
        const { deliveryKey, type: eventType, receivedAt } = received;
        reservation.fill({ id: result.id, provider, deliveryKey, eventType, receivedAt }, () => dispatch.received(received));
      } else {
        worker?.wake();
      }
      return ACCEPTED;
    },
  };
}
