import Router from '@koa/router';
import { thryveWebhooks } from '@wearhook/koa';
import Koa from 'koa';
import type { ExampleConfig } from './config.js';

/** One JSON line per handled event: the contract the example apps are tested against. */
function printEvent(event: { provider: string; type: string; deliveryKey: string }): void {
  process.stdout.write(`${JSON.stringify({ provider: event.provider, type: event.type, deliveryKey: event.deliveryKey })}\n`);
}

export function createApp(config: ExampleConfig): Koa {
  const app = new Koa();
  const router = new Router();

  const thryve = thryveWebhooks({ secret: config.thryveSecret });
  thryve.onAny(printEvent);
  thryve.onUnknown(printEvent);
  thryve.onInvalid(printEvent);
  thryve.onError(({ phase, error }) => {
    if (phase !== 'request') console.error('wearhook handler error:', error);
  });

  // router.all, not router.post: other methods get 405 with Allow: POST.
  router.all('/webhooks/thryve', thryve);
  router.all(['/webhooks/terra', '/webhooks/vital'], (ctx) => {
    ctx.status = 501;
    ctx.body = { error: { code: 'not_implemented', message: 'Terra and Vital arrive in the next release.' } };
  });
  app.use(router.routes());
  return app;
}
