import { createThryveReceiver, type ThryveEventMap, type ThryveWebhookOptions } from '@wearhook/core';
import { expressMiddleware, type ExpressWebhookMiddleware } from './express-middleware.js';

/**
 * Express middleware for Thryve webhooks:
 * `app.post('/webhooks/thryve', thryveWebhooks({ secret }))`.
 */
export function thryveWebhooks(options: ThryveWebhookOptions): ExpressWebhookMiddleware<ThryveEventMap> {
  return expressMiddleware(createThryveReceiver(options));
}
