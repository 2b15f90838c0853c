// Public API of the Vital (Junction) provider; re-exported by @wearhook/core. Sample payloads
// (`./samples.js`) are for the testing kit and are deliberately not part of this surface.
//
// The generated payload types (ClientFacingSleep, GroupedHeartRate, ...) are re-exported as the
// `VitalTypes` namespace rather than one by one: there are about 400, and one (`LabReportResult`)
// exists in Terra's spec too, with another shape.
export type * as VitalTypes from './generated/types.js';
export type { VitalPayload, VitalPayloadMap } from './generated/types.js';
export {
  VITAL_EVENT_TYPES,
  VITAL_SUMMARY_RESOURCES,
  VITAL_SVIX_EVENT_TYPES,
  VITAL_USERLESS_EVENT_TYPES,
  isVitalEventType,
  isVitalSummaryResource,
  isVitalSvixEventType,
  isVitalUserlessEventType,
  vitalResourceOf,
  type VitalDataEventType,
  type VitalEventType,
  type VitalHistoricalEventType,
  type VitalResource,
  type VitalResourceOf,
  type VitalSummaryEventType,
  type VitalSummaryResource,
  type VitalSvixEventType,
  type VitalTimeseriesEventType,
  type VitalTimeseriesResource,
  type VitalUserlessEventType,
} from './event-types.js';
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
} from './types.js';
export {
  VITAL_RECORD_KINDS,
  vitalEntityRecordRef,
  vitalSummaryKey,
  vitalSummaryKind,
  vitalSummaryRecordRef,
  vitalSummaryVersion,
  vitalSourceProvider,
  vitalTimeseriesKind,
  vitalTimeseriesRecordRefs,
  vitalTimeseriesSampleKey,
  type VitalSummary,
  type VitalTimeseriesGroup,
  type VitalTimeseriesSample,
} from './record-keys.js';
export { VITAL_MESSAGE_ID_HEADERS, vitalDeliveryKey } from './delivery-key.js';
export { vitalEpochMs } from './timestamps.js';
export { vitalEventSchemas, vitalSharedSchemas } from './generated/schemas.js';
export { vitalEventTypeOf, vitalProvider } from './provider.js';
