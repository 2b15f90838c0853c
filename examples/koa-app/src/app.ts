import Router from '@koa/router';
import { terraWebhooks, thryveWebhooks, vitalWebhooks } from '@wearhook/koa';
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
  const terra = terraWebhooks({ secret: config.terraSecret });
  const vital = vitalWebhooks({ secret: config.vitalSecret });

  // Handlers are typed by the event name: here `event.data` is Vital's sleep summary.
  vital.on('daily.data.sleep.created', (event) => {
    void event.payload.data;
  });
  for (const receiver of [thryve, terra, vital]) {
    receiver.onAny(printEvent);
    receiver.onUnknown(printEvent);
    receiver.onInvalid(printEvent);
    receiver.onError(({ phase, error }) => {
      if (phase !== 'request') console.error('wearhook handler error:', error);
    });
  }

  // router.all, not router.post: other methods get 405 with Allow: POST.
  router.all('/webhooks/thryve', thryve);
  router.all('/webhooks/terra', terra);
  router.all('/webhooks/vital', vital);
  app.use(router.routes());
  return app;
}
