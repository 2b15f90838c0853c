import type { EventSubscriptions } from '../events/event-hub.js';
import type { ProviderName } from '../events/webhook-event.js';
import type { WebhookRequest, WebhookResponse } from '../http/webhook-request.js';
import type { Dispatcher } from '../inbox/dispatcher.js';

/**
 * A framework-neutral webhook endpoint for one provider: adapters turn their request into a
 * `WebhookRequest`, call `handle`, and write the `WebhookResponse` back unchanged.
 */
export interface Receiver<EventMap> extends EventSubscriptions<EventMap> {
  readonly provider: ProviderName;
  /** Runs the whole pipeline for one delivery. Never rejects: every failure becomes a response. */
  handle(request: WebhookRequest): Promise<WebhookResponse>;
  /**
   * The worker dispatching stored deliveries, when a store is configured and `worker` is not `false`.
   * Shared by every receiver on the same store in this process.
   */
  readonly worker: Dispatcher | undefined;
  /**
   * Leaves the store's inbox. When this is the last receiver on the store, stops the shared worker and
   * the purge: deliveries queued in memory are released at once; graceful by default, running handlers
   * finish, or their leases are released after `timeoutMs` so another process picks them up. Does not
   * close the store.
   */
  close(options?: { readonly graceful?: boolean; readonly timeoutMs?: number }): Promise<void>;
}
