// @wearhook/core/testing: build signed, realistic deliveries to test your own handlers and app, the way
// a provider would send them. Not for production code paths.
export { signHmac, signStandardWebhooks, signTerra, type SignHmacOptions } from '../auth/sign.js';
export { thryveSamples, THRYVE_SAMPLE_USER, type ThryveSampleBuilder } from '../providers/thryve/samples.js';
export { thryveTestDelivery, type ThryveTestDeliveryOptions } from './thryve.js';
export type { TestDelivery } from './test-delivery.js';
export { zstdCompress, zstdStoredFrame } from './zstd-compress.js';
export { terraSamples, TERRA_SAMPLE_USER, type TerraSampleBuilder } from '../providers/terra/samples.js';
export { terraTestDelivery, type TerraTestDeliveryOptions } from './terra.js';
export { vitalSamples, VITAL_SAMPLE_USER, type VitalSampleBuilder } from '../providers/vital/samples.js';
export { vitalTestDelivery, type VitalTestDeliveryOptions } from './vital.js';
