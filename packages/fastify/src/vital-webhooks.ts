import { createVitalReceiver, type VitalEventMap, type VitalWebhookOptions } from '@wearhook/core';
import { fastifyPlugin, type FastifyWebhookPlugin } from './fastify-plugin.js';

/**
 * A Fastify plugin for Vital webhooks:
 * `app.register(vitalWebhooks({ secret }), { path: '/webhooks/vital' })`.
 */
export function vitalWebhooks(options: VitalWebhookOptions): FastifyWebhookPlugin<VitalEventMap> {
  return fastifyPlugin(createVitalReceiver(options));
}
