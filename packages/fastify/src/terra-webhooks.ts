import { createTerraReceiver, type TerraEventMap, type TerraWebhookOptions } from '@wearhook/core';
import { fastifyPlugin, type FastifyWebhookPlugin } from './fastify-plugin.js';

/**
 * A Fastify plugin for Terra webhooks:
 * `app.register(terraWebhooks({ secret }), { path: '/webhooks/terra' })`.
 */
export function terraWebhooks(options: TerraWebhookOptions): FastifyWebhookPlugin<TerraEventMap> {
  return fastifyPlugin(createTerraReceiver(options));
}
