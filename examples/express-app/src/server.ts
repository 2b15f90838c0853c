import { createApp } from './app.js';
import { readConfig } from './config.js';

const config = readConfig();
const server = createApp(config).listen(config.port, () => {
  console.warn(`wearhook example (Express) listening on http://localhost:${config.port}/webhooks/{thryve,terra,vital}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
