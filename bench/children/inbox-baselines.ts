// The inbox benchmark's baselines (`lib/inbox-baselines-app.ts`) as a server process on PORT, with
// Vital's secret from VITAL_WEBHOOK_SECRET as the example app takes it; SIGTERM closes it.
import { createInboxBaselines } from '../lib/inbox-baselines-app.js';

const app = createInboxBaselines({ vitalSecret: process.env.VITAL_WEBHOOK_SECRET ?? '' });
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
server.keepAliveTimeout = 60_000;
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
