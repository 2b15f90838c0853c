import { createVitalReceiver, type VitalEventMap, type VitalWebhookOptions } from '@wearhook/core';
import { koaMiddleware, type KoaWebhookMiddleware } from './koa-middleware.js';

/**
 * Koa middleware for Vital webhooks:
 * `router.post('/webhooks/vital', vitalWebhooks({ secret }))`.
 */
export function vitalWebhooks(options: VitalWebhookOptions): KoaWebhookMiddleware<VitalEventMap> {
  return koaMiddleware(createVitalReceiver(options));
}
