import type { ErrorEvent } from '../events/delivery-events.js';
import { isWebhookError } from '../errors/webhook-error.js';
import type { DeliveryLog } from '../logging/delivery-log.js';

/**
 * The log line of an error a receiver reports to `onError`: refused requests with their status and
 * stable code, failed handlers, and worker or store failures. Written whether or not the app
 * subscribed, so nothing fails silently unless the app passes `logger: false`.
 */
export function logReportedError(log: DeliveryLog, event: ErrorEvent): void {
  const { provider, phase, error } = event;
  const eventType = event.eventType ?? 'unknown';
  const deliveryKey = event.deliveryKey ?? 'unknown';
  if (phase === 'request') {
    const status = isWebhookError(error) ? error.status : 500;
    const errorCode = isWebhookError(error) ? error.code : 'internal_error';
    log.refused({ provider, status, errorCode, eventType: event.eventType, deliveryKey: event.deliveryKey }, error);
  } else if (phase === 'handler') {
    log.handlerFailure({ provider, eventType, deliveryKey }, error);
  } else {
    log.dispatchFailure({ provider, eventType, deliveryKey }, error);
  }
}
