// Public API of @wearhook/core. Adapters (@wearhook/express, @wearhook/koa) build on these.
export { WEBHOOK_ERROR_STATUS, WebhookError, isWebhookError, type WebhookErrorCode } from './errors/webhook-error.js';
export type { BodySource, IncomingHeaders, WebhookRequest, WebhookResponse } from './http/webhook-request.js';
export { nodeBodySource, type ParserTraces } from './http/node-body-source.js';
export { DEFAULT_BODY_LIMITS, type BodyLimits } from './body/limits.js';
export { BodyBudget, SHARED_BODY_BUDGET } from './body/body-budget.js'; // hostile (issue 10)
export { MAX_JSON_DEPTH } from './body/json-depth.js'; // hostile (issue 10)
export { MAX_LABEL_LENGTH } from './providers/stored-label.js'; // hostile (issue 10)
export type { Authenticator, AuthInput, HeaderCheckInput } from './auth/authenticator.js'; // hostile: HeaderCheckInput
export { DEFAULT_HMAC_TOLERANCE_SECONDS } from './auth/hmac-signature.js'; // hostile (issue 10)
export { SchemaValidator, type ValidationIssue, type ValidationResult } from './validation/schema-validator.js';
export type { ProviderName, RecordRef, WebhookEventBase } from './events/webhook-event.js';
export type { ErrorEvent, ErrorPhase, InvalidDeliveryEvent, UnknownDeliveryEvent } from './events/delivery-events.js';
export type { EventSubscriptions, Handler } from './events/event-hub.js';
export type { ProviderDefinition, EventContext } from './providers/provider-definition.js';
export { createReceiver, type CreateReceiverOptions } from './receiver/create-receiver.js';
export type { Receiver } from './receiver/receiver.js';
export type { CommonReceiverOptions, WorkerOptions } from './receiver/receiver-options.js';
export { withSubscriptions, type WithSubscriptions } from './receiver/with-subscriptions.js';
export { createThryveReceiver, type ThryveWebhookOptions } from './receiver/thryve-receiver.js';
export { createTerraReceiver, type TerraWebhookOptions } from './receiver/terra-receiver.js';
export { createVitalReceiver, type VitalWebhookOptions } from './receiver/vital-receiver.js';
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
export type { Secrets } from './auth/secrets.js';
export * from './providers/thryve/index.js';
export * from './providers/terra/index.js';
export * from './providers/vital/index.js';
export * from './stores/index.js';
export * from './inbox/index.js';
