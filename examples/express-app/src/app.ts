import { thryveWebhooks } from '@wearhook/express';
import express, { type Express } from 'express';
import type { ExampleConfig } from './config.js';

/** One JSON line per handled event: the contract the example apps are tested against. */
function printEvent(event: { provider: string; type: string; deliveryKey: string }): void {
  process.stdout.write(`${JSON.stringify({ provider: event.provider, type: event.type, deliveryKey: event.deliveryKey })}\n`);
}

export function createApp(config: ExampleConfig): Express {
  const app = express();

  const thryve = thryveWebhooks({ secret: config.thryveSecret });
  thryve.on('event.data.epoch.create', (event) => {
    // Typed down to the points: event.points[0].start is a Date, dataTypeId a number.
    for (const point of event.points) void point.dataTypeId;
  });
  thryve.onAny(printEvent);
  thryve.onUnknown(printEvent);
  thryve.onInvalid(printEvent);
  thryve.onError(({ phase, error }) => {
    if (phase !== 'request') console.error('wearhook handler error:', error);
  });

  // app.all, not app.post: other methods get 405 with Allow: POST instead of Express's 404.
  app.all('/webhooks/thryve', thryve);
  app.all(['/webhooks/terra', '/webhooks/vital'], (_req, res) => {
    res.status(501).json({ error: { code: 'not_implemented', message: 'Terra and Vital arrive in the next release.' } });
  });
  return app;
}
