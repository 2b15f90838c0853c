export { fastifyPlugin, type FastifyWebhookPlugin, type WebhookRouteOptions } from './fastify-plugin.js';
export { thryveWebhooks } from './thryve-webhooks.js';
export { terraWebhooks } from './terra-webhooks.js';
export { vitalWebhooks } from './vital-webhooks.js';
