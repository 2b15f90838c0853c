import { createVitalReceiver, type VitalEventMap, type VitalWebhookOptions } from '@wearhook/core';
import { webHandler, type WebWebhookHandler } from './web-handler.js';

/**
 * A Fetch-API handler for Vital webhooks. In a Next.js App Router route (`app/webhooks/vital/route.ts`):
 * `export const POST = vitalWebhooks({ secret })`; in Hono: `app.post('/webhooks/vital', (c) => vital(c.req.raw))`.
 */
export function vitalWebhooks(options: VitalWebhookOptions): WebWebhookHandler<VitalEventMap> {
  return webHandler(createVitalReceiver(options));
}
