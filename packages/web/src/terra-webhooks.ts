import { createTerraReceiver, type TerraEventMap, type TerraWebhookOptions } from '@wearhook/core';
import { webHandler, type WebWebhookHandler } from './web-handler.js';

/**
 * A Fetch-API handler for Terra webhooks. In a Next.js App Router route (`app/webhooks/terra/route.ts`):
 * `export const POST = terraWebhooks({ secret })`; in Hono: `app.post('/webhooks/terra', (c) => terra(c.req.raw))`.
 */
export function terraWebhooks(options: TerraWebhookOptions): WebWebhookHandler<TerraEventMap> {
  return webHandler(createTerraReceiver(options));
}
