// Stores: the durable inbox and record table. Also published as `@wearhook/core/stores` for store
// adapters such as @wearhook/store-postgres.
export {
  DEFAULT_BODY_RETENTION_MS,
  DEFAULT_RETENTION_MS,
  type ClaimedDelivery,
  type ClaimOptions,
  type DeliveryState,
  type FailOutcome,
  type NewDelivery,
  type PurgeOptions,
  type PutResult,
  type StoredDelivery,
  type StoredRecord,
  type UpsertRecordsOptions,
  type WebhookStore,
} from './webhook-store.js';
export { StoreUnavailableError, isStoreUnavailableError } from './store-unavailable-error.js';
export { outranks, prepareRecords, type PreparedRecord, type RecordRank } from './record-versioning.js';
export { createMemoryStore } from './memory-store.js';
export { createSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { isStorableLabel, isStorableRecordsQuery, unstorableLabel } from './storable-labels.js';
export { newDeliveryRow, type NewDeliveryRow } from './delivery-row.js';
/** Test-only fault injection for store implementations; inert unless NODE_ENV=test (see test-faults.ts). */
export { commitFaultFromEnvironment, type CommitFault } from './test-faults.js';
export { loadSqliteDriver, type SqliteDriverName } from './sqlite-driver.js';
export { SchemaVersionError } from './sqlite-migrations.js';
