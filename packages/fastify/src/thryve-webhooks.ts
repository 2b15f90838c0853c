import { createThryveReceiver, type ThryveEventMap, type ThryveWebhookOptions } from '@wearhook/core';
import { fastifyPlugin, type FastifyWebhookPlugin } from './fastify-plugin.js';

/**
 * A Fastify plugin for Thryve webhooks:
 * `app.register(thryveWebhooks({ secret }), { path: '/webhooks/thryve' })`.
 */
export function thryveWebhooks(options: ThryveWebhookOptions): FastifyWebhookPlugin<ThryveEventMap> {
  return fastifyPlugin(createThryveReceiver(options));
}
