import { createApp } from './app.js';
import { readConfig } from './config.js';
import { openStore } from './store.js';

const config = readConfig();
const { store, description } = await openStore();
const { app, close } = createApp(config, store);
const server = app.listen(config.port, () => {
  console.warn(`wearhook example (Express) on http://localhost:${config.port}/webhooks/{thryve,terra,vital}, store: ${description}`);
});

// Stop taking deliveries, let running handlers finish (unfinished ones are picked up after a restart),
// then close the store.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    void close()
      .then(() => store?.close())
      .finally(() => process.exit(0));
  });
}
