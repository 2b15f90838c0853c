import { createTerraReceiver, type TerraEventMap, type TerraWebhookOptions } from '@wearhook/core';
import { expressMiddleware, type ExpressWebhookMiddleware } from './express-middleware.js';

/**
 * Express middleware for Terra webhooks:
 * `app.post('/webhooks/terra', terraWebhooks({ secret }))`.
 */
export function terraWebhooks(options: TerraWebhookOptions): ExpressWebhookMiddleware<TerraEventMap> {
  return expressMiddleware(createTerraReceiver(options));
}
