// Public API of the Terra provider; re-exported by @wearhook/core. Sample payloads (`./samples.js`)
// are for the testing kit and are deliberately not part of this surface.
//
// The generated payload types (Activity, Sleep, TerraUser, ...) are re-exported as the `TerraTypes`
// namespace rather than one by one: names like `Activity` or `Body` would crowd the package's root,
// and one (`LabReportResult`) exists in Vital's spec too, with another shape.
export type * as TerraTypes from './generated/types.js';
export type { TerraPayload, TerraPayloadMap, TerraUser } from './generated/types.js';
export {
  TERRA_DATA_EVENT_TYPES,
  TERRA_EVENT_TYPES,
  TERRA_INFORMATIONAL_EVENT_TYPES,
  isTerraEventType,
  type TerraDataEventType,
  type TerraEventType,
  type TerraInformationalEventType,
  type TerraLabReportEventType,
  type TerraLargeRequestEventType,
  type TerraS3EventType,
  type TerraUserNoticeEventType,
} from './event-types.js';
export type {
  TerraAthleteEvent,
  TerraAuthCancelledEvent,
  TerraAuthEvent,
  TerraDataEvent,
  TerraEvent,
  TerraEventBase,
  TerraEventMap,
  TerraInformationalEvent,
  TerraLabReportEvent,
  TerraLargeRequestEvent,
  TerraS3Event,
  TerraUserEventBase,
  TerraUserNoticeEvent,
  TerraUserReauthEvent,
} from './types.js';
export { TERRA_ATHLETE_RECORD_KEY, TERRA_RECORD_KINDS, terraAthleteRecordRef, terraRecordKey, terraRecordRefs } from './record-keys.js';
export { TERRA_REFERENCE_HEADER, TERRA_TRACE_ID_HEADER, terraDeliveryKey, terraReference, terraTraceId } from './delivery-key.js';
export {
  TERRA_CONTEXT_KEYS,
  TERRA_ORDERING_TIMESTAMP_HEADER,
  TERRA_ORDERING_TOLERANCE_MS,
  terraDeliveryContext,
  terraOrderingVersion,
} from './delivery-context.js';
export { terraDatePart, terraEpochMs } from './timestamps.js';
export {
  TERRA_S3_DEFAULT_MAX_BYTES,
  TERRA_S3_DEFAULT_TIMEOUT_MS,
  TerraS3FetchError,
  fetchTerraS3Payload,
  type FetchTerraS3PayloadOptions,
  type TerraS3FetchErrorCode,
} from './fetch-s3-payload.js';
export type { TerraEventContext } from './events.js';
export { terraEventSchemas, terraSharedSchemas } from './generated/schemas.js';
export { terraEventTypeOf, terraProvider } from './provider.js';
