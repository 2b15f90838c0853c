// An app as a user writes it, run from a project that installed the packed tarballs with npm (and, in
// the bundle case, bundled by esbuild and run from a folder without node_modules).
// argv[2]: `stream` mounts the receiver before any body parser; `raw` puts express.raw() in front, the
// pattern Stripe's and Svix's docs teach. Prints {"listening":port}, then one line per event.
import express from 'express';
import { thryveWebhooks } from '@wearhook/express';

const mode = process.argv[2] ?? 'stream';
const app = express();
const thryve = thryveWebhooks({ secret: process.env.THRYVE_SECRET });
thryve.on('event.data.epoch.create', (event) => {
  const point = event.points[0];
  console.log(JSON.stringify({ type: event.type, dataTypeId: point?.dataTypeId, startIsDate: point?.start instanceof Date, drift: event.drift?.issues.map((issue) => issue.path) ?? [] }));
});
thryve.onError(({ phase, error }) => console.error(`wearhook ${phase} error: ${error}`, error?.cause ?? ""));
if (mode === 'raw') app.post('/webhooks/thryve', express.raw({ type: 'application/json', limit: '16mb' }), thryve);
else app.all('/webhooks/thryve', thryve);

const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ listening: server.address().port })));
