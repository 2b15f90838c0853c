import { createTerraReceiver, type TerraEventMap, type TerraWebhookOptions } from '@wearhook/core';
import { koaMiddleware, type KoaWebhookMiddleware } from './koa-middleware.js';

/**
 * Koa middleware for Terra webhooks:
 * `router.post('/webhooks/terra', terraWebhooks({ secret }))`.
 */
export function terraWebhooks(options: TerraWebhookOptions): KoaWebhookMiddleware<TerraEventMap> {
  return koaMiddleware(createTerraReceiver(options));
}
