// The CommonJS side of types.mts: require()d packages resolve to their .d.ts under dist/cjs.
import express = require('express');
import wearhookExpress = require('@wearhook/express');
import core = require('@wearhook/core');

const thryve = wearhookExpress.thryveWebhooks({ secret: 'secret' });
thryve.on('event.data.epoch.create', (event) => {
  const typed: core.ThryveEpochDataEvent = event;
  const start: Date | undefined = typed.points[0]?.start;
  void start;
});
express().all('/webhooks/thryve', thryve);
export const check = core.isWebhookError(new Error('x'));
