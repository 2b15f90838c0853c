// @wearhook/store-postgres: the PostgreSQL WebhookStore and its migrations.
export { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
export { migrate, POSTGRES_MIGRATIONS, type MigrateOptions, type MigrateResult } from './migrations.js';
