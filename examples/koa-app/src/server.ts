import { createApp } from './app.js';
import { readConfig } from './config.js';
import { openStore } from './store.js';

const config = readConfig();
const { store, description } = await openStore();
const { app, close } = createApp(config, store);
const server = app.listen(config.port, () => {
  console.warn(`wearhook example (Koa) on http://localhost:${config.port}/webhooks/{thryve,terra,vital}, store: ${description}`);
});

// Stop taking deliveries and let running handlers finish, within the grace period container platforms
// give before they kill (10 s for Docker): what is still running then is handed back to the store, run
// again after a restart, and without a store the open requests are answered first (a provider retries
// what was not). Then close the store.
const SHUTDOWN_GRACE_MS = 8_000;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    const requestsDone = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const graceOver = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    void close({ timeoutMs: SHUTDOWN_GRACE_MS })
      .then(() => Promise.race([requestsDone, graceOver]))
      .then(() => store?.close())
      .finally(() => process.exit(0));
  });
}
