export { webHandler, type WebWebhookHandler } from './web-handler.js';
export { thryveWebhooks } from './thryve-webhooks.js';
export { terraWebhooks } from './terra-webhooks.js';
export { vitalWebhooks } from './vital-webhooks.js';
