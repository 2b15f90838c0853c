import { createThryveReceiver, type ThryveEventMap, type ThryveWebhookOptions } from '@wearhook/core';
import { webHandler, type WebWebhookHandler } from './web-handler.js';

/**
 * A Fetch-API handler for Thryve webhooks. In a Next.js App Router route (`app/webhooks/thryve/route.ts`):
 * `export const POST = thryveWebhooks({ secret })`; in Hono: `app.post('/webhooks/thryve', (c) => thryve(c.req.raw))`.
 */
export function thryveWebhooks(options: ThryveWebhookOptions): WebWebhookHandler<ThryveEventMap> {
  return webHandler(createThryveReceiver(options));
}
