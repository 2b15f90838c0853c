import type { Authenticator } from '../auth/authenticator.js';
import { WebhookError, isWebhookError } from '../errors/webhook-error.js';
import { EventHub, forwardSubscriptions, type EventSubscriptions } from '../events/event-hub.js';
import type { RecordRef } from '../events/webhook-event.js';
import { errorResponse } from '../http/error-response.js';
import { DeliveryLog } from '../logging/delivery-log.js';
import { providerDispatch } from '../inbox/provider-dispatch.js';
import { timerMilliseconds } from '../inbox/dispatcher.js';
import { joinStoreInbox, type InboxMembership } from '../inbox/store-inbox.js';
import type { ProviderDefinition } from '../providers/provider-definition.js';
import { acknowledgeNow, type Acknowledger } from './acknowledge-now.js';
import { persistThenAcknowledge } from './persist-then-acknowledge.js';
import { logReportedError } from './log-reported-error.js';
import { createPipeline } from './pipeline.js';
import { receiveDelivery } from './receive-delivery.js';
import type { Receiver } from './receiver.js';
import type { CommonReceiverOptions } from './receiver-options.js';
import { deliveryFinished, deliveryStarted, scheduleWarmUp } from './warm-up.js';

export interface CreateReceiverOptions extends CommonReceiverOptions {
  /** Every scheme must pass. Provider factories build these from their own options. */
  readonly authenticators: readonly Authenticator[];
  /**
   * Must be `true` to run with no authenticator at all; an endpoint that anyone can post health data
   * to is never a default.
   */
  readonly allowUnauthenticated?: boolean;
  /** See `PipelineOptions.repeatWindowMs`; provider factories set it. */
  readonly repeatWindowMs?: (eventType: string) => number | undefined;
}

/**
 * Composes the receiver for one provider: the pipeline (`receiveDelivery`), the handlers (`EventHub`)
 * and, with a store, this receiver's part in the store's inbox (the worker and purge it shares with
 * every other receiver on that store). Provider factories (`createThryveReceiver`, ...) call this;
 * most users never do. The first receiver of a provider in a process also schedules its warm-up
 * (`scheduleWarmUp`) for the first idle moment, so its first delivery does not pay for V8's first runs.
 */
export function createReceiver<
  EventMap,
  Event extends { readonly type: string; readonly deliveryKey: string; readonly receivedAt: Date; readonly records: readonly RecordRef[] },
>(provider: ProviderDefinition<Event>, options: CreateReceiverOptions): Receiver<EventMap> {
  if (options.authenticators.length === 0 && options.allowUnauthenticated !== true) {
    throw new Error(
      `wearhook: the ${provider.name} receiver has no authentication configured. Pass the webhook secret ` +
        `from the ${provider.name} dashboard, or set allowUnauthenticated: true if unauthenticated delivery is really intended.`,
    );
  }
  checkStoreRecords(provider.name, options);
  const pipeline = createPipeline(provider, options);
  void scheduleWarmUp(provider);
  const log = new DeliveryLog(options.logger);
  const hub = new EventHub<EventMap>(
    (event) => logReportedError(log, event),
    (event) => log.unhandled({ provider: provider.name, eventType: event.type, deliveryKey: event.deliveryKey ?? '' }),
  );
  const anyHub = hub as EventHub<unknown>;
  const { store } = options;
  /** Worker, store and post-ack failures, as `onError` sees them (and the logger). */
  const reportDispatchError = (error: unknown, delivery?: { readonly deliveryKey: string; readonly eventType: string }): void =>
    hub.reportError({ provider: provider.name, phase: 'dispatch', error, deliveryKey: delivery?.deliveryKey, eventType: delivery?.eventType });

  let inbox: InboxMembership | undefined;
  let acknowledger: Acknowledger;
  if (store === undefined) {
    acknowledger = acknowledgeNow(provider, anyHub, log, handlerTimeout(options.handlerTimeoutMs));
  } else {
    const dispatch = providerDispatch(provider, store, hub, { storeRecords: options.storeRecords });
    const { waitUntil } = options;
    // A serverless platform freezes a background poller between requests: with `waitUntil`, the worker
    // runs only inside the work handed to the platform after each acknowledgement.
    const worker = options.worker === false ? false : waitUntil === undefined ? (options.worker ?? {}) : { ...options.worker, autoStart: false };
    inbox = joinStoreInbox(store, {
      provider: provider.name,
      dispatch,
      worker,
      retentionMs: options.retentionMs,
      bodyRetentionMs: options.bodyRetentionMs,
      reportError: (error, context) => reportDispatchError(error, context.delivery),
    });
    acknowledger = persistThenAcknowledge({
      provider: provider.name,
      store,
      hub: anyHub,
      dispatch,
      worker: inbox.worker,
      waitUntil,
      log,
      reportError: (error) => reportDispatchError(error),
    });
  }

  const receiver: Omit<Receiver<EventMap>, keyof EventSubscriptions<EventMap>> = {
    provider: provider.name,
    worker: inbox?.worker,
    async handle(request) {
      deliveryStarted();
      let completed = false;
      try {
        const response = await receiveDelivery(pipeline, request, acknowledger);
        completed = true;
        return response;
      } catch (error) {
        const refusal = isWebhookError(error)
          ? error
          : new WebhookError('internal_error', 'wearhook failed unexpectedly; the error was reported to onError handlers.', { cause: error });
        hub.reportError({ provider: provider.name, phase: 'request', error: refusal });
        const { body } = request;
        return errorResponse(refusal, { bodyUnread: body.kind === 'stream' && !body.stream.readableEnded });
      } finally {
        deliveryFinished(provider, completed);
      }
    },
    async close(closeOptions) {
      await inbox?.leave(closeOptions);
    },
  };
  return Object.assign(receiver, forwardSubscriptions(hub)) as Receiver<EventMap>;
}

/** The no-store `handlerTimeoutMs`, checked as the worker's is: a positive integer a timer can wait. */
function handlerTimeout(value: number | undefined): number | undefined {
  return value === undefined ? undefined : timerMilliseconds('wearhook: handlerTimeoutMs', value);
}

/**
 * `storeRecords` is opt-in: a truthy non-boolean from untyped config (`'true'`, `1`) would otherwise
 * leave records off without a word, and `true` without a store would write them nowhere.
 */
function checkStoreRecords(providerName: string, options: CommonReceiverOptions): void {
  const { storeRecords } = options;
  if (storeRecords !== undefined && typeof storeRecords !== 'boolean') {
    throw new TypeError(`wearhook: the ${providerName} receiver's storeRecords must be true or false, got ${JSON.stringify(storeRecords)}.`);
  }
  if (storeRecords === true && options.store === undefined) {
    throw new TypeError(`wearhook: the ${providerName} receiver has storeRecords: true but no store to write the records to. Pass a store, or drop storeRecords.`);
  }
}
