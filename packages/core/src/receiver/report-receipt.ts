import type { EventHub } from '../events/event-hub.js';
import type { ProviderName } from '../events/webhook-event.js';
import type { DeliveryLog } from '../logging/delivery-log.js';
import type { Classified } from './payload-stages.js';

/**
 * What is said about a delivery once, when it is received (or, with a store, first persisted): a
 * quarantined or unknown delivery and a typed event with drift each leave a log line, and drift is
 * handed to `onDrift`. Done at receipt only, so a delivery dispatched later, retried or reclaimed after
 * a crash is not reported twice.
 */
export function reportReceipt(provider: ProviderName, hub: EventHub<unknown>, log: DeliveryLog, classified: Classified): Promise<void> | undefined {
  const { received, quarantine } = classified;
  // The common case (a valid event without drift) says nothing and allocates nothing.
  if (quarantine === undefined && received.drift === undefined) return undefined;
  try {
    return reportNotable(provider, hub, log, classified);
  } catch (error) {
    // A logger that throws (its transport down) must not fail a delivery that is already persisted and
    // handed to the worker: the provider would retry into a duplicate, and the handover would be lost.
    try {
      hub.reportError({ provider, phase: 'request', error, deliveryKey: received.deliveryKey, eventType: received.type });
    } catch {
      // onError itself failed (with the same logger, perhaps): nothing is left to tell.
    }
    return undefined;
  }
}

/** The `onDrift` handlers' work, when there is drift: a serverless platform must be told to wait for it. */
function reportNotable(provider: ProviderName, hub: EventHub<unknown>, log: DeliveryLog, classified: Classified): Promise<void> | undefined {
  const { received, quarantine } = classified;
  const ref = { provider, eventType: received.type, deliveryKey: received.deliveryKey };
  if (quarantine !== undefined) {
    if (quarantine.kind === 'unknown') log.unknown(ref);
    else log.quarantined(ref, quarantine.event.issues);
    return undefined;
  }
  const drift = received.drift!;
  log.drift(ref, drift);
  const event = { provider, type: received.type, deliveryKey: received.deliveryKey, receivedAt: received.receivedAt, drift };
  return hub.emitDrift(event).then((failures) => {
    for (const failure of failures) {
      hub.reportError({ provider, phase: 'handler', error: failure.error, deliveryKey: received.deliveryKey, eventType: received.type });
    }
  });
}
