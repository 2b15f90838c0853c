import { WebhookError } from '../errors/webhook-error.js';

/**
 * A store could not read or persist right now: connection down, disk full, database locked beyond its
 * busy timeout, or the store closed. It is a `WebhookError` with code `store_unavailable`, so a
 * receiver that lets it through answers 503 and the provider retries. The driver's error is `cause`;
 * the message never contains payload bytes or connection secrets.
 */
export class StoreUnavailableError extends WebhookError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store_unavailable', message, options);
    this.name = 'StoreUnavailableError';
  }
}

export function isStoreUnavailableError(error: unknown): error is StoreUnavailableError {
  return error instanceof StoreUnavailableError;
}
