// The same app as server.mjs, written with require(): CommonJS apps on every Node the engines admit.
const express = require('express');
const { thryveWebhooks } = require('@wearhook/express');

const app = express();
const thryve = thryveWebhooks({ secret: process.env.THRYVE_SECRET });
thryve.on('event.data.epoch.create', (event) => {
  const point = event.points[0];
  console.log(JSON.stringify({ type: event.type, dataTypeId: point?.dataTypeId, startIsDate: point?.start instanceof Date, drift: event.drift?.issues.map((issue) => issue.path) ?? [] }));
});
thryve.onError(({ phase, error }) => console.error(`wearhook ${phase} error: ${error}`, error?.cause ?? ""));
app.all('/webhooks/thryve', thryve);

const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ listening: server.address().port })));
