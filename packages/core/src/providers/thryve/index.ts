// Public API of the Thryve provider; re-exported by @wearhook/core. Sample payloads (`./samples.js`)
// are for the testing kit and are deliberately not part of this surface.
export {
  THRYVE_EVENT_TYPES,
  THRYVE_EVENT_TYPE_ALIASES,
  THRYVE_LEGACY_SOURCE_UPDATE,
  canonicalThryveEventType,
  isThryveEventType,
  type ThryveDailyDataEventType,
  type ThryveEpochDataEventType,
  type ThryveEventType,
  type ThryveSourceEventType,
} from './event-types.js';
export { thryveId, type ThryveIntegerId } from './ids.js';
export type {
  ThryveDailyAdditionalDetails,
  ThryveDailyDataPayload,
  ThryveDailyDataPoint,
  ThryveDailyDataSource,
  ThryveDailyNotificationData,
  ThryveDailyNotificationPayload,
  ThryveEnvelope,
  ThryveEpochAdditionalDetails,
  ThryveEpochDataPayload,
  ThryveEpochDataPoint,
  ThryveEpochDataSource,
  ThryveEpochNotificationData,
  ThryveEpochNotificationPayload,
  ThryveLegacyDailyRange,
  ThryveLegacyEpochRange,
  ThryveLegacySourceUpdate,
  ThryveLegacySourceUpdatePayload,
  ThryvePayloadMap,
  ThryveSourceConnectPayload,
  ThryveSourceDisconnectPayload,
  ThryveSourceNotificationData,
  ThryveTimestamp,
  ThryveTimestampType,
} from './payload-types.js';
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
} from './types.js';
export { THRYVE_ISO_TIMESTAMP_PATTERN, THRYVE_MAX_UNIX_VALUE, THRYVE_UNIX_MS_THRESHOLD, thryveDate, thryveDay, thryveEpochMs } from './timestamps.js';
export {
  THRYVE_RECORD_KINDS,
  thryveDailyRecordKey,
  thryveDailyRecordRef,
  thryveEpochRecordKey,
  thryveEpochRecordRef,
  thryvePointVersion,
} from './record-keys.js';
export { thryveDeliveryKey } from './delivery-key.js';
export { thryveSchemas } from './schemas/index.js';
export { thryveEventTypeOf, thryveProvider } from './provider.js';
