// Public API of @wearhook/core: what an application or an adapter needs, nothing more. The rest is
// published under subpaths, so the root stays learnable:
//   @wearhook/core/stores                 memory and SQLite stores, the WebhookStore interface
//   @wearhook/core/inbox                  the worker that dispatches stored deliveries
//   @wearhook/core/providers/<name>       thryve, terra, vital: event-type lists, keys, schemas, timestamps
//   @wearhook/core/testing                signed sample deliveries, samples and signers for tests
//   @wearhook/core/testing/store-contract the WebhookStore contract suite (vitest) for third-party stores
// Keep the sections below; add a name to the section it belongs to.

// --- Receivers: one per provider.
export { createThryveReceiver, type ThryveWebhookOptions } from './receiver/thryve-receiver.js';
export { createTerraReceiver, type TerraWebhookOptions } from './receiver/terra-receiver.js';
export { createVitalReceiver, type VitalWebhookOptions } from './receiver/vital-receiver.js';
export type { Receiver } from './receiver/receiver.js';
export type { CommonReceiverOptions, WorkerOptions } from './receiver/receiver-options.js';
export type { LoggerOption, WearhookLogger } from './logging/logger.js';
export type { Secrets } from './auth/secrets.js';
export { DEFAULT_BODY_LIMITS, type BodyLimits } from './body/limits.js';
export { BodyBudget, SHARED_BODY_BUDGET } from './body/body-budget.js';
export { DEFAULT_HMAC_TOLERANCE_SECONDS } from './auth/hmac-signature.js';

// --- Framework-free: verify and decode raw bytes and headers into a typed event (queue consumers, other frameworks).
export {
  constructEvent,
  constructTerraEvent,
  constructThryveEvent,
  constructVitalEvent,
  type ConstructTerraEventInput,
  type ConstructThryveEventInput,
  type ConstructVitalEventInput,
  type EventHeaders,
  type RawDelivery,
} from './construct-event/construct-event.js';

// --- A receiver for a provider of your own: createReceiver and what a ProviderDefinition is made of.
export { createReceiver, type CreateReceiverOptions } from './receiver/create-receiver.js';
export type { ProviderDefinition, EventContext, WarmUpDelivery } from './providers/provider-definition.js';
export type { Authenticator, AuthInput, HeaderCheckInput } from './auth/authenticator.js';
export { SchemaValidator, type ProviderValidators, type ValidationIssue, type ValidationResult } from './validation/schema-validator.js';
export type { ConformanceSchemas } from './validation/conformance-schemas.js';
export type { StandaloneValidators } from './validation/standalone-runtime.js';

// --- Adapter kit: what a framework adapter (@wearhook/express, @wearhook/koa, your own) translates to and from.
export type { BodySource, IncomingHeaders, WebhookRequest, WebhookResponse } from './http/webhook-request.js';
export { nodeBodySource, type ParserTraces } from './http/node-body-source.js';
export { withSubscriptions, type WithSubscriptions } from './receiver/with-subscriptions.js';
export type { EventSubscriptions, Handler } from './events/event-hub.js';

// --- Errors users may catch.
export { WEBHOOK_ERROR_STATUS, WebhookError, isWebhookError, type WebhookErrorCode, type WebhookErrorSizes } from './errors/webhook-error.js';
export { StoreUnavailableError, isStoreUnavailableError } from './stores/store-unavailable-error.js';
/** What `onError` receives when handlers outlast `handlerTimeoutMs` (no store) or `worker.handlerTimeoutMs`. */
export { HandlerTimeoutError } from './inbox/handler-timeout.js';
/** The bounds behind `too_deeply_nested` and `invalid_label`. */
export { MAX_JSON_DEPTH } from './body/json-depth.js';
export { MAX_LABEL_LENGTH } from './providers/stored-label.js';

// --- Event types: what handlers receive.
export type { ProviderName, RecordRef, WebhookEventBase } from './events/webhook-event.js';
export type { DriftEvent, ErrorEvent, ErrorPhase, InvalidDeliveryEvent, UnknownDeliveryEvent } from './events/delivery-events.js';
export { MAX_DRIFT_ISSUES, type Drift } from './validation/drift.js';
export type {
  ThryveDailyDataEvent,
  ThryveDailyNotificationEvent,
  ThryveDailyPoint,
  ThryveEpochDataEvent,
  ThryveEpochNotificationEvent,
  ThryveEpochPoint,
  ThryveEvent,
  ThryveEventBase,
  ThryveEventMap,
  ThryveLegacyDailyWindow,
  ThryveLegacyEpochWindow,
  ThryveLegacySourceUpdateEvent,
  ThryveSourceEvent,
} from './providers/thryve/types.js';
export type { ThryveEventType, ThryvePayloadMap } from './providers/thryve/index.js';
export type {
  TerraAthleteEvent,
  TerraAuthCancelledEvent,
  TerraDataEvent,
  TerraEvent,
  TerraEventBase,
  TerraEventMap,
  TerraLabReportEvent,
  TerraLargeRequestEvent,
  TerraS3Event,
  TerraUserEventBase,
  TerraUserNoticeEvent,
  TerraUserReauthEvent,
} from './providers/terra/types.js';
export type { TerraEventType, TerraPayloadMap, TerraTypes } from './providers/terra/index.js';
export type {
  VitalConnectionCreatedEvent,
  VitalConnectionErrorEvent,
  VitalEvent,
  VitalEventBase,
  VitalEventFor,
  VitalEventMap,
  VitalHistoricalEvent,
  VitalSummaryEvent,
  VitalTimeseriesEvent,
  VitalUserEvent,
  VitalUserEventBase,
  VitalUserlessEvent,
} from './providers/vital/types.js';
export type { VitalEventType, VitalPayloadMap, VitalTypes } from './providers/vital/index.js';
