import { createThryveReceiver, type ThryveEventMap, type ThryveWebhookOptions } from '@wearhook/core';
import { koaMiddleware, type KoaWebhookMiddleware } from './koa-middleware.js';

/**
 * Koa middleware for Thryve webhooks:
 * `router.post('/webhooks/thryve', thryveWebhooks({ secret }))`.
 */
export function thryveWebhooks(options: ThryveWebhookOptions): KoaWebhookMiddleware<ThryveEventMap> {
  return koaMiddleware(createThryveReceiver(options));
}
