import type { EventSubscriptions } from '../events/event-hub.js';
import type { ProviderName } from '../events/webhook-event.js';
import type { WebhookRequest, WebhookResponse } from '../http/webhook-request.js';

/**
 * A framework-neutral webhook endpoint for one provider: adapters turn their request into a
 * `WebhookRequest`, call `handle`, and write the `WebhookResponse` back unchanged.
 */
export interface Receiver<EventMap> extends EventSubscriptions<EventMap> {
  readonly provider: ProviderName;
  /** Runs the whole pipeline for one delivery. Never rejects: every failure becomes a response. */
  handle(request: WebhookRequest): Promise<WebhookResponse>;
}
