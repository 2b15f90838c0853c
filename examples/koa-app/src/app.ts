import Router from '@koa/router';
import { terraWebhooks, thryveWebhooks, vitalWebhooks } from '@wearhook/koa';
import Koa from 'koa';
import type { WebhookStore } from '@wearhook/core/stores';
import type { ExampleConfig } from './config.js';
import { printEvent } from './event-lines.js';

export interface ExampleApp {
  readonly app: Koa;
  /** Stops the receivers' workers, letting running handlers finish within `timeoutMs`. */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
}

/**
 * The app, with one route per provider. With a store, each delivery is persisted before the 204 and
 * handlers run right after it, from the store; retries of a stored delivery are not handled twice.
 */
export function createApp(config: ExampleConfig, store?: WebhookStore): ExampleApp {
  const app = new Koa();
  const router = new Router();

  const thryve = thryveWebhooks({ secret: config.thryveSecret, store });
  const terra = terraWebhooks({ secret: config.terraSecret, store });
  const vital = vitalWebhooks({ secret: config.vitalSecret, store });

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
  return { app, close: async (options) => void (await Promise.all([thryve, terra, vital].map((r) => r.receiver.close(options)))) };
}
