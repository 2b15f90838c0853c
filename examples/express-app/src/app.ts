import { terraWebhooks, thryveWebhooks, vitalWebhooks } from '@wearhook/express';
import express, { type Express } from 'express';
import type { WebhookStore } from '@wearhook/core/stores';
import type { ExampleConfig } from './config.js';
import { printEvent } from './event-lines.js';

export interface ExampleApp {
  readonly app: Express;
  /** Stops the receivers' workers, letting running handlers finish within `timeoutMs`. */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
}

/**
 * The app, with one route per provider. With a store, each delivery is persisted before the 204 and
 * handlers run right after it, from the store; retries of a stored delivery are not handled twice.
 */
export function createApp(config: ExampleConfig, store?: WebhookStore): ExampleApp {
  const app = express();

  const thryve = thryveWebhooks({ secret: config.thryveSecret, store });
  const terra = terraWebhooks({ secret: config.terraSecret, store });
  const vital = vitalWebhooks({ secret: config.vitalSecret, store });

  // Handlers are typed by the event name: here `point.start` is a Date and `dataTypeId` a number.
  thryve.on('event.data.epoch.create', (event) => {
    for (const point of event.points) void point.dataTypeId;
  });
  for (const receiver of [thryve, terra, vital]) {
    receiver.onAny(printEvent);
    receiver.onUnknown(printEvent);
    receiver.onInvalid(printEvent);
    receiver.onError(({ phase, error }) => {
      if (phase !== 'request') console.error('wearhook handler error:', error);
    });
  }

  // app.all, not app.post: other methods get 405 with Allow: POST instead of Express's 404.
  // Mounted before any body parser, so wearhook reads the bytes exactly as received.
  app.all('/webhooks/thryve', thryve);
  app.all('/webhooks/terra', terra);
  app.all('/webhooks/vital', vital);
  return { app, close: async (options) => void (await Promise.all([thryve, terra, vital].map((r) => r.receiver.close(options)))) };
}
