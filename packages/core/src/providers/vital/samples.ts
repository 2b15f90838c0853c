/**
 * Realistic sample payloads for every Vital (Junction) event type, for tests, the testing kit and
 * demos. Each starts as the smallest valid instance of the event's schema (`SampleSynthesizer`), so it
 * tracks the spec; then the envelope, the summaries, the timeseries samples and the notices get values
 * a real delivery would have (units and magnitudes from the spec's own examples). Every call returns
 * a fresh object, so callers may mutate it.
 */
import { SampleSynthesizer } from '../generated-samples.js';
import {
  VITAL_EVENT_TYPES,
  isVitalSummaryResource,
  isVitalSvixEventType,
  isVitalUserlessEventType,
  vitalResourceOf,
  type VitalEventType,
  type VitalSvixEventType,
  type VitalSummaryResource,
  type VitalTimeseriesResource,
} from './event-types.js';
import { vitalEventSchemas, vitalSharedSchemas } from './generated/schemas.js';
import type { ClientFacingSource, VitalPayloadMap } from './generated/types.js';

/** Builds a sample payload; `overrides` replace top-level properties. */
export type VitalSampleBuilder<Type extends VitalEventType> = (overrides?: Partial<VitalPayloadMap[Type]>) => VitalPayloadMap[Type];

/** The envelope ids every sample carries (and every `user_id` inside it). */
export const VITAL_SAMPLE_USER = {
  user_id: 'b5a1e2c4-7d3f-4e8a-9b0c-1d2e3f4a5b6c',
  // Your own id for the user: any string, deliberately not a UUID here.
  client_user_id: 'patient-8842',
  team_id: 'f3e2d1c0-b9a8-4765-8432-10fedcba9876',
} as const;

/** The instant the samples are built around. */
const BASE_TIME = new Date('2024-05-01T08:00:00Z');
const MINUTE = 60_000;

type SummaryData<Resource extends VitalSummaryResource> = VitalPayloadMap[`daily.data.${Resource}.created`]['data'];
type Sample<Resource extends VitalTimeseriesResource> = VitalPayloadMap[`daily.data.${Resource}.created`]['data']['data'][number];

const ring: ClientFacingSource = { provider: 'oura', type: 'ring' };
const watch: ClientFacingSource = { provider: 'apple_health_kit', type: 'watch', app_id: 'com.apple.health' };
const phone: ClientFacingSource = { provider: 'apple_health_kit', type: 'phone', app_id: 'com.apple.health' };
const scale: ClientFacingSource = { provider: 'withings', type: 'scale' };
const cuff: ClientFacingSource = { provider: 'omron', type: 'cuff' };
const sensor: ClientFacingSource = { provider: 'freestyle_libre', type: 'automatic' };
const lab: ClientFacingSource = { provider: 'manual', type: 'lab' };
const running = { id: 1, name: 'Running', slug: 'running' };

/** What each summary resource's sample holds beyond its schema's minimum. */
const SUMMARIES: { readonly [Resource in VitalSummaryResource]: Partial<SummaryData<Resource>> } = {
  activity: {
    date: '2024-05-01T00:00:00+00:00',
    calendar_date: '2024-05-01',
    calories_total: 2310,
    calories_active: 520,
    steps: 10412,
    daily_movement: 8200,
    distance: 7830,
    low: 14400,
    medium: 2400,
    high: 600,
    floors_climbed: 11,
    time_zone: 'Europe/London',
    timezone_offset: 3600,
    heart_rate: { avg_bpm: 71, min_bpm: 48, max_bpm: 162, resting_bpm: 52 },
    source: ring,
  },
  sleep: {
    date: '2024-05-01T00:00:00+00:00',
    calendar_date: '2024-05-01',
    bedtime_start: '2024-04-30T22:47:00+00:00',
    bedtime_stop: '2024-05-01T06:32:00+00:00',
    type: 'long_sleep',
    timezone_offset: 3600,
    duration: 27900,
    total: 25200,
    awake: 2700,
    light: 13200,
    rem: 5400,
    deep: 6600,
    score: 84,
    hr_lowest: 47,
    hr_average: 56,
    efficiency: 90,
    latency: 540,
    average_hrv: 48,
    respiratory_rate: 14.2,
    state: 'confirmed',
    source: ring,
  },
  sleep_cycle: {
    session_start: '2024-04-30T22:47:00+00:00',
    session_end: '2024-05-01T06:32:00+00:00',
    stage_start_offset_second: [0, 900, 3600, 6300],
    stage_end_offset_second: [900, 3600, 6300, 7200],
    stage_type: [5, 1, 2, 3],
    time_zone: 'Europe/London',
    source_provider: 'oura',
    source_type: 'ring',
    source: ring,
  },
  workouts: {
    title: 'Morning Run',
    timezone_offset: 3600,
    average_hr: 148,
    max_hr: 181,
    distance: 8250.4,
    calendar_date: '2024-05-01',
    time_start: '2024-05-01T06:04:11+00:00',
    time_end: '2024-05-01T06:52:48+00:00',
    calories: 512,
    sport: running,
    moving_time: 2810,
    average_speed: 2.94,
    steps: 7902,
    provider_id: '11223344556',
    source: { provider: 'strava', type: 'app' },
  },
  workout_stream: {
    provider_id: '11223344556',
    sport: running,
    source: { provider: 'strava', type: 'app' },
  },
  body: {
    date: '2024-05-01T06:55:02+00:00',
    calendar_date: '2024-05-01',
    weight: 72.4,
    fat: 17.9,
    water_percentage: 55.2,
    body_mass_index: 22.6,
    source: scale,
  },
  meal: {
    timestamp: '2024-05-01T12:30:00+00:00',
    calendar_date: '2024-05-01',
    name: 'Lunch',
    provider_id: 'mfp-meal-77812',
    energy: { unit: 'kcal', value: 640 },
    macros: { carbs: 72, protein: 38, fats: { total: 21, saturated: 6 }, fibre: 9, sugar: 11 },
    micros: null,
    source: { provider: 'my_fitness_pal', type: 'app' },
  },
  menstrual_cycle: {
    period_start: '2024-04-28',
    period_end: '2024-05-02',
    is_predicted: false,
    menstrual_flow: [
      { date: '2024-04-28', flow: 'medium' },
      { date: '2024-04-29', flow: 'heavy' },
    ],
    source_provider: 'apple_health_kit',
    source_type: 'phone',
    source: phone,
  },
  electrocardiogram: {
    session_start: '2024-05-01T08:00:00+00:00',
    session_end: '2024-05-01T08:00:30+00:00',
    voltage_sample_count: 15360,
    heart_rate_mean: 68,
    sampling_frequency_hz: 512,
    classification: 'sinus_rhythm',
    algorithm_version: '2',
    source_provider: 'apple_health_kit',
    source_type: 'watch',
    source: watch,
  },
  profile: {
    height: 172,
    birth_date: '1991-04-12',
    sex: 'female',
    gender: 'female',
    source: ring,
  },
};

/** Where each timeseries resource's sample comes from, and one realistic reading of it. */
const TIMESERIES: { readonly [Resource in VitalTimeseriesResource]: readonly [ClientFacingSource, Partial<Sample<Resource>>] } = {
  afib_burden: [watch, { unit: '%', value: 3 }],
  basal_body_temperature: [phone, { unit: '°C', value: 36.4 }],
  blood_oxygen: [watch, { unit: '%', value: 97 }],
  blood_pressure: [cuff, { unit: 'mmHg', systolic: 121, diastolic: 78 }],
  body_mass_index: [scale, { unit: 'index', value: 22.6 }],
  body_temperature: [watch, { unit: '°C', value: 36.8, sensor_location: 'wrist' }],
  body_temperature_delta: [ring, { unit: '°C', value: -0.3, sensor_location: 'finger' }],
  caffeine: [phone, { unit: 'g', value: 0.095 }],
  calories_active: [watch, { unit: 'kcal', value: 8.4 }],
  calories_basal: [watch, { unit: 'kcal', value: 1.2 }],
  carbohydrates: [phone, { unit: 'g', value: 30 }],
  cholesterol: [lab, { type: 'ldl', unit: 'mmol/L', value: 2.6 }],
  daylight_exposure: [watch, { unit: 'min', value: 45 }],
  distance: [watch, { unit: 'm', value: 82.5 }],
  electrocardiogram_voltage: [watch, { type: 'lead_1', unit: 'mV', value: -0.373 }],
  fall: [watch, { unit: 'count', value: 1 }],
  fat: [scale, { unit: '%', value: 17.9 }],
  floors_climbed: [watch, { unit: 'count', value: 2 }],
  forced_expiratory_volume_1: [phone, { unit: 'L', value: 3.5 }],
  forced_vital_capacity: [phone, { unit: 'L', value: 4.2 }],
  glucose: [sensor, { unit: 'mmol/L', value: 5.4 }],
  handwashing: [watch, { unit: 'count', value: 1 }],
  heart_rate_alert: [watch, { type: 'high_heart_rate', unit: 'count', value: 1 }],
  heart_rate_recovery_one_minute: [watch, { unit: 'count', value: 37 }],
  heartrate: [watch, { unit: 'bpm', value: 72 }],
  hrv: [ring, { unit: 'rmssd', value: 48 }],
  ige: [lab, { type: 'baha_grass', unit: 'FSU', value: 70 }],
  igg: [lab, { type: 'dairy', unit: 'FSU', value: 12 }],
  inhaler_usage: [phone, { unit: 'count', value: 2 }],
  insulin_injection: [phone, { type: 'rapid_acting', unit: 'unit', value: 4, delivery_mode: 'bolus', bolus_purpose: 'meal' }],
  lean_body_mass: [scale, { unit: 'kg', value: 59.4 }],
  mindfulness_minutes: [watch, { unit: 'min', value: 10 }],
  note: [phone, { unit: 'text', value: 'Felt light-headed after lunch', tags: ['food'] }],
  peak_expiratory_flow_rate: [phone, { unit: 'L/min', value: 450 }],
  respiratory_rate: [ring, { unit: 'bpm', value: 15.5 }],
  sleep_apnea_alert: [watch, { unit: 'count', value: 1 }],
  sleep_breathing_disturbance: [watch, { type: 'not_elevated', unit: 'count', value: 3 }],
  stand_duration: [watch, { unit: 'min', value: 15 }],
  stand_hour: [watch, { type: 'stood', unit: 'count', value: 1 }],
  steps: [watch, { unit: 'count', value: 123 }],
  stress_level: [watch, { unit: '%', value: 35 }],
  uv_exposure: [watch, { unit: 'index', value: 5 }],
  vo2_max: [watch, { unit: 'mL/kg/min', value: 48 }],
  waist_circumference: [phone, { unit: 'cm', value: 84 }],
  water: [phone, { unit: 'ml', value: 400 }],
  weight: [scale, { unit: 'kg', value: 72.4 }],
  wheelchair_push: [watch, { unit: 'count', value: 52 }],
  workout_distance: [watch, { unit: 'm', value: 412 }],
  workout_duration: [watch, { unit: 'min', value: 48, intensity: 'medium' }],
  workout_swimming_stroke: [watch, { unit: 'count', value: 37 }],
};

/** Notices and other events whose minimal sample needs a few real values. */
const OTHER_DATA: { readonly [Type in Exclude<VitalEventType, VitalSvixEventType>]?: Partial<NonNullable<VitalPayloadMap[Type]['data']>> } = {
  'provider.connection.created': {
    source: { name: 'Oura', slug: 'oura', logo: 'https://storage.googleapis.com/vital-assets/oura.png' },
    provider: { name: 'Oura', slug: 'oura', logo: 'https://storage.googleapis.com/vital-assets/oura.png' },
    external_user_id: 'oura-7d1f3c',
    resource_availability: { sleep: { status: 'available' }, activity: { status: 'available' } },
  },
  'provider.connection.error': {
    provider: 'oura',
    message: 'The refresh token for this connection was rejected by the provider.',
    error_type: 'token_refresh_failed',
    error_details: 'invalid_grant',
  },
  'provider.device.created': { provider: 'oura', source_type: 'ring', device_manufacturer: 'Oura', device_model: 'Oura Ring Gen3' },
  'provider.device.updated': { provider: 'oura', source_type: 'ring', device_manufacturer: 'Oura', device_model: 'Oura Ring Gen3', device_version: '2.9.1' },
};

const synthesizer = new SampleSynthesizer(vitalSharedSchemas);
const minimalCache = new Map<VitalEventType, unknown>();

/** The schema's smallest valid instance, built once per type and copied on every call. */
function minimal(type: VitalEventType): Record<string, unknown> {
  let cached = minimalCache.get(type);
  if (cached === undefined) {
    cached = withSampleIds(synthesizer.sample(vitalEventSchemas[type], { baseTime: BASE_TIME }));
    minimalCache.set(type, cached);
  }
  return structuredClone(cached) as Record<string, unknown>;
}

/** Sets every `user_id`, `client_user_id` and `team_id`, at any depth, to the sample user's. */
function withSampleIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSampleIds);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [name, child] of Object.entries(value)) {
    out[name] = Object.hasOwn(VITAL_SAMPLE_USER, name) ? VITAL_SAMPLE_USER[name as keyof typeof VITAL_SAMPLE_USER] : withSampleIds(child);
  }
  return out;
}

/** Two readings a minute apart: a group shows its list shape, and tests get two records. */
function timeseriesData(resource: VitalTimeseriesResource, minimalGroup: { readonly data: readonly Record<string, unknown>[] }) {
  const [source, reading] = TIMESERIES[resource];
  const [first = {}] = minimalGroup.data;
  const samples = [0, 1].map((index) => {
    const start = new Date(BASE_TIME.getTime() + index * MINUTE);
    const times: Record<string, string> = { timestamp: iso(start) };
    if ('start' in first) times.start = iso(start);
    if ('end' in first) times.end = iso(new Date(start.getTime() + MINUTE));
    return { ...first, ...reading, ...times, timezone_offset: 3600 };
  });
  return { source: { ...source }, data: samples };
}

/** Vital's own timestamp style: seconds and an explicit offset. */
function iso(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

function historicalData(minimalData: Record<string, unknown>) {
  return { ...minimalData, start_date: '2024-02-01T00:00:00+00:00', end_date: '2024-05-01T00:00:00+00:00', is_final: true, provider: 'oura' };
}

function dataFor(type: VitalEventType, minimalData: unknown): unknown {
  const resource = vitalResourceOf(type);
  if (resource !== undefined && type.startsWith('historical.')) return historicalData(minimalData as Record<string, unknown>);
  // Junction sends the user and `updated_at` (the version) with summaries and lab orders; the schemas
  // no longer require them (only what the gate guarantees), so the minimal instance lacks them.
  const updated = { updated_at: iso(BASE_TIME) };
  if (resource === 'workout_stream') return { user_id: VITAL_SAMPLE_USER.user_id, ...(minimalData as object), ...structuredClone(SUMMARIES[resource]) };
  if (resource !== undefined && isVitalSummaryResource(resource)) {
    return { user_id: VITAL_SAMPLE_USER.user_id, ...updated, ...(minimalData as object), ...structuredClone(SUMMARIES[resource]) };
  }
  if (type.startsWith('labtest.order.')) return { ...updated, ...(minimalData as object), ...structuredClone(OTHER_DATA[type as 'labtest.order.created'] ?? {}) };
  if (resource !== undefined) return timeseriesData(resource as VitalTimeseriesResource, minimalData as { data: Record<string, unknown>[] });
  const extra = OTHER_DATA[type as Exclude<VitalEventType, VitalSvixEventType>];
  return extra === undefined ? minimalData : { ...(minimalData as object), ...structuredClone(extra) };
}

/** Svix's `message.attempt.exhausted`, as Svix documents its operational webhooks. */
function svixSample(type: VitalSvixEventType): Record<string, unknown> {
  return {
    type,
    timestamp: '2024-05-01T07:30:00.000Z',
    data: {
      appId: 'app_2Xq7T9ZbWJmYpL8kQ3cRvN1sHdE',
      appUid: 'vital-team-5e4c',
      msgId: 'msg_2Xq7UeD4mRcW9sK1pLtZbY6vNfA',
      endpointId: 'ep_2Xq7Vb3NkPq8sT5wLmYcR0dJhGe',
      lastAttempt: { id: 'atmpt_2Xq7W1', timestamp: '2024-05-01T07:29:58.000Z', responseStatusCode: 503 },
    },
  };
}

function builder<Type extends VitalEventType>(type: Type): VitalSampleBuilder<Type> {
  return (overrides) => {
    if (isVitalSvixEventType(type)) return { ...svixSample(type), ...overrides } as VitalPayloadMap[Type];
    const payload = minimal(type);
    // The schemas require only what the gate guarantees; a realistic sample names the user as Junction does.
    const ids = isVitalUserlessEventType(type) ? { team_id: VITAL_SAMPLE_USER.team_id } : { ...VITAL_SAMPLE_USER };
    return { ...payload, ...ids, data: dataFor(type, payload.data), ...overrides } as VitalPayloadMap[Type];
  };
}

/** A sample payload builder for every Vital event type. */
export const vitalSamples = Object.fromEntries(VITAL_EVENT_TYPES.map((type) => [type, builder(type)])) as {
  readonly [Type in VitalEventType]: VitalSampleBuilder<Type>;
};
