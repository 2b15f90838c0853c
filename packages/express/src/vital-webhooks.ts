import { createVitalReceiver, type VitalEventMap, type VitalWebhookOptions } from '@wearhook/core';
import { expressMiddleware, type ExpressWebhookMiddleware } from './express-middleware.js';

/**
 * Express middleware for Vital webhooks:
 * `app.post('/webhooks/vital', vitalWebhooks({ secret }))`.
 */
export function vitalWebhooks(options: VitalWebhookOptions): ExpressWebhookMiddleware<VitalEventMap> {
  return expressMiddleware(createVitalReceiver(options));
}
