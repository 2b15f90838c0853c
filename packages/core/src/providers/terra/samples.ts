/**
 * Realistic sample payloads for every Terra event type, for tests, the testing kit and demos. Shapes
 * follow the examples in Terra's OpenAPI spec: a Fitbit user in London (UTC+1 in summer), one morning
 * run, one night's sleep, one day. Every call returns a fresh object, so callers may mutate it.
 */
import type { TerraEventType } from './event-types.js';
import type { TerraPayloadMap, TerraUser } from './generated/types.js';

/** Builds a sample payload; `overrides` replace top-level properties. */
export type TerraSampleBuilder<Type extends TerraEventType> = (overrides?: Partial<TerraPayloadMap[Type]>) => TerraPayloadMap[Type];

/** The Terra API version the samples carry. */
export const TERRA_SAMPLE_VERSION = '2022-03-16';

/** The user every sample belongs to. */
export const TERRA_SAMPLE_USER = {
  user_id: '40f7b0e1-89e2-43ac-a5b8-1e29c8d47cad',
  provider: 'FITBIT',
  reference_id: 'your-user-123',
  scopes: 'ACTIVITY_EXPORT,HEALTH_EXPORT,SLEEP_EXPORT',
  last_webhook_update: '2024-05-01T07:12:33.891000+00:00',
  active: true,
} as const satisfies TerraUser;

/** The reference of the sample large request (`large_request_*` and its chunks' `terra-reference`). */
export const TERRA_SAMPLE_REFERENCE = 'd3f1a9c2-6b1e-4f0a-8f21-9e5b2c7a4d10';

function user(): TerraUser {
  return { ...TERRA_SAMPLE_USER };
}

/** A data push: envelope around fresh `data` items. */
function dataPush<Type extends 'activity' | 'body' | 'daily' | 'health_observation' | 'hormone' | 'menstruation' | 'nutrition' | 'planned_workout' | 'sleep'>(
  type: Type,
  data: () => TerraPayloadMap[Type]['data'],
): TerraSampleBuilder<Type> {
  return (overrides) => ({ type, user: user(), data: data(), version: TERRA_SAMPLE_VERSION, ...overrides }) as TerraPayloadMap[Type];
}

/** A connection notice about the sample user. */
function notice<Type extends 'access_revoked' | 'connection_error' | 'deauth'>(
  type: Type,
  status: TerraPayloadMap[Type]['status'],
  message: string,
  active: boolean,
): TerraSampleBuilder<Type> {
  return (overrides) => ({ type, status, message, user: { ...user(), active }, ...overrides }) as TerraPayloadMap[Type];
}

function s3<Type extends 's3_payload' | 's3_upload'>(type: Type): TerraSampleBuilder<Type> {
  return (overrides) =>
    ({
      type,
      status: 'success',
      url: 'https://terra-payload-bucket.s3.eu-west-2.amazonaws.com/payloads/40f7b0e1/activity-2024-05-01.json?X-Amz-Signature=0f1e2d',
      expires_in: 300,
      ...overrides,
    }) as TerraPayloadMap[Type];
}

/** A sample payload builder for every Terra event type. */
export const terraSamples: { readonly [Type in TerraEventType]: TerraSampleBuilder<Type> } = {
  auth: (overrides) => ({
    type: 'auth',
    status: 'success',
    message: 'User has successfully authenticated',
    widget_session_id: '3e982b74-1a94-4d9a-b6a3-f92c6e4d21b5',
    user: { ...user(), last_webhook_update: null },
    ...overrides,
  }),
  auth_cancelled: (overrides) => ({
    type: 'auth_cancelled',
    status: 'error',
    flow_id: 'b2f9c611-52c8-4a63-9082-7e50e2f5a1cd',
    reason: 'access_denied',
    reference_id: TERRA_SAMPLE_USER.reference_id,
    ...overrides,
  }),
  deauth: notice('deauth', 'success', 'User has deauthenticated', false),
  access_revoked: notice('access_revoked', 'warning', 'User revoked access', false),
  connection_error: notice(
    'connection_error',
    'warning',
    "Connection degraded: the provider rejected Terra's access token; the user may need to reauthenticate",
    true,
  ),
  user_reauth: (overrides) => ({
    type: 'user_reauth',
    status: 'warning',
    message: 'User has reauthenticated and old ID has been deleted',
    version: TERRA_SAMPLE_VERSION,
    new_user: { ...user(), user_id: '9c8b7a65-4321-4fed-a0b9-87c6d5e4f321' },
    old_user: { ...user(), active: false },
    ...overrides,
  }),
  permission_change: (overrides) => ({
    type: 'permission_change',
    status: 'warning',
    message: 'User permissions have been modified',
    version: TERRA_SAMPLE_VERSION,
    scopes_added: 'BODY_EXPORT',
    scopes_removed: '',
    user: { ...user(), scopes: `${TERRA_SAMPLE_USER.scopes},BODY_EXPORT` },
    ...overrides,
  }),
  large_request_sending: (overrides) => ({
    type: 'large_request_sending',
    reference: TERRA_SAMPLE_REFERENCE,
    message: 'Large request payloads are being sent',
    expected_payloads: 43,
    user: user(),
    ...overrides,
  }),
  large_request_processing: (overrides) => ({
    type: 'large_request_processing',
    status: 'processing',
    reference: TERRA_SAMPLE_REFERENCE,
    message: 'Large request is being processed; payloads will be delivered when ready',
    user: user(),
    ...overrides,
  }),
  healthcheck: (overrides) => ({
    type: 'healthcheck',
    status: 'success',
    creation_timestamp: '2024-05-01T07:15:00.000000+00:00',
    sent_webhooks_last_hour: 42,
    ...overrides,
  }),
  processing: (overrides) => ({
    type: 'processing',
    status: 'processing',
    message: 'Request is processing, data will be sent when ready',
    user: user(),
    ...overrides,
  }),
  rate_limit_hit: (overrides) => ({
    type: 'rate_limit_hit',
    status: 'warning',
    message: "The provider's rate limit was hit; the request will be retried",
    user: user(),
    ...overrides,
  }),
  google_no_datasource: (overrides) => ({
    type: 'google_no_datasource',
    status: 'warning',
    message: 'No Google Fit data sources found for this user',
    user: user(),
    ...overrides,
  }),
  s3_payload: s3('s3_payload'),
  s3_upload: s3('s3_upload'),
  activity: dataPush('activity', () => [
    {
      metadata: {
        name: 'Morning Run',
        summary_id: '123e4567-e89b-12d3-a456-426614174000',
        start_time: '2024-05-01T07:04:11.000000+01:00',
        end_time: '2024-05-01T07:52:48.000000+01:00',
        type: 8,
        upload_type: 1,
      },
      distance_data: { summary: { distance_meters: 8250.4, steps: 7902 } },
      calories_data: { total_burned_calories: 512.5, net_activity_calories: 431.2 },
      heart_rate_data: {
        summary: { avg_hr_bpm: 148.2, max_hr_bpm: 181 },
        detailed: {
          hr_samples: [
            { timestamp: '2024-05-01T07:04:11.000000+01:00', bpm: 96 },
            { timestamp: '2024-05-01T07:05:11.000000+01:00', bpm: 131 },
          ],
        },
      },
      device_data: { name: 'Charge 6', manufacturer: 'Fitbit' },
    },
  ]),
  sleep: dataPush('sleep', () => [
    {
      metadata: {
        summary_id: '7b2c9e4f-3a1d-4e8b-9c6f-5d4e3b2a1f09',
        start_time: '2024-04-30T23:12:00.000000+01:00',
        end_time: '2024-05-01T07:02:00.000000+01:00',
        is_nap: false,
        upload_type: 1,
      },
      sleep_durations_data: {
        asleep: { duration_asleep_state_seconds: 25200, duration_deep_sleep_state_seconds: 5400, duration_REM_sleep_state_seconds: 5100 },
        awake: { duration_awake_state_seconds: 1500, num_wakeup_events: 3 },
        other: { duration_in_bed_seconds: 28200 },
        sleep_efficiency: 91.5,
      },
      heart_rate_data: { summary: { avg_hr_bpm: 54, resting_hr_bpm: 49 } },
      scores: { sleep: 82 },
    },
  ]),
  daily: dataPush('daily', () => [
    {
      metadata: { start_time: '2024-05-01T00:00:00.000000+01:00', end_time: '2024-05-02T00:00:00.000000+01:00', upload_type: 0 },
      distance_data: { steps: 11894, distance_meters: 9412.7, floors_climbed: 12 },
      calories_data: { total_burned_calories: 2450.8, BMR_calories: 1702 },
      active_durations_data: { activity_seconds: 5340 },
      heart_rate_data: { summary: { resting_hr_bpm: 52, avg_hr_bpm: 71 } },
    },
  ]),
  body: dataPush('body', () => [
    {
      metadata: { start_time: '2024-05-01T00:00:00.000000+01:00', end_time: '2024-05-02T00:00:00.000000+01:00' },
      measurements_data: {
        measurements: [{ measurement_time: '2024-05-01T07:55:02.000000+01:00', weight_kg: 72.4, bodyfat_percentage: 17.9, BMI: 22.6 }],
      },
      heart_data: { heart_rate_data: { summary: { resting_hr_bpm: 52 } } },
    },
  ]),
  menstruation: dataPush('menstruation', () => [
    {
      metadata: { start_time: '2024-05-01T00:00:00.000000+01:00', end_time: '2024-05-02T00:00:00.000000+01:00' },
      menstruation_data: { period_start_date: '2024-04-28', day_in_cycle: 4, period_length_days: 5, current_phase: 1, is_predicted_cycle: false },
    },
  ]),
  nutrition: dataPush('nutrition', () => [
    {
      metadata: { start_time: '2024-05-01T00:00:00.000000+01:00', end_time: '2024-05-02T00:00:00.000000+01:00' },
      summary: { macros: { calories: 2105, protein_g: 128.4, carbohydrates_g: 231, fat_g: 71.3 }, water_ml: 2300 },
    },
  ]),
  health_observation: dataPush('health_observation', () => [
    {
      metadata: {
        summary_id: 'c41f7a2e-0d3b-4b6e-9a85-2f1e7d6c5b40',
        start_time: '2024-05-01T08:30:00.000000+01:00',
        end_time: '2024-05-01T08:31:00.000000+01:00',
      },
      observation_data: {
        observation_type: 'blood_pressure_systolic',
        codes: [{ system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' }],
        value: { value_type: 0, quantity: 121, unit: 'mmHg' },
        status: 0,
      },
    },
  ]),
  hormone: dataPush('hormone', () => [
    { timestamp: '2024-05-01T07:15:00.000000+01:00', lh_mIU_per_ml: 6.2, e3g_ng_per_ml: 142.5, pdg_ug_per_ml: 1.1 },
  ]),
  planned_workout: dataPush('planned_workout', () => [
    {
      planned_workout_id: 'e8d7c6b5-a493-4821-b0c9-d8e7f6a5b4c3',
      provider_workout_id: '987654321',
      planned_date: '2024-05-03',
      created_at: '2024-05-01T09:00:00.000000+00:00',
      last_updated_at: '2024-05-01T09:00:00.000000+00:00',
      details: {
        metadata: { name: 'Tempo run', type: 8, estimated_duration_seconds: 2700, estimated_distance_meters: 8000 },
        steps: [{ order: 0, name: 'Warm-up', durations: [{ duration_type: 0, seconds: 600 }] }],
      },
    },
  ]),
  athlete: (overrides) => ({
    type: 'athlete',
    version: TERRA_SAMPLE_VERSION,
    user: user(),
    athlete: {
      first_name: 'Jane',
      last_name: 'Smith',
      sex: 'female',
      date_of_birth: '1991-04-12',
      email: 'jane.smith@example.com',
      city: 'London',
      country: 'United Kingdom',
    },
    ...overrides,
  }),
  'lab_report.completed': (overrides) => ({
    type: 'lab_report.completed',
    event_id: 'evt_4a2b8c1d-3f9e-4c0a-8b21-9d6e5f2a1c7b',
    occurred_at: '2024-05-01T09:12:33Z',
    upload_id: 'upl_9d6e5f2a1c7b',
    data: {
      session_id: '297405620317847552',
      reference_id: 'your-patient-123',
      report_date: '2024-04-30',
      report_locale: 'en-GB',
      results_count: 1,
      results: [
        {
          source: { name: 'Haemoglobin', value: '14.2', units: 'g/dL', collection_date: '2024-04-29' },
          biomarker: { key: 'hemoglobin', display_name: 'Hemoglobin', loinc_code: '718-7' },
          measurement: { type: 'numeric', numeric: 14.2, units: 'g/dL', ucum_code: 'g/dL' },
          interpretation: { flag: 'normal', source: 'report' },
        },
      ],
      panels: [],
    },
    ...overrides,
  }),
  'lab_report.failed': (overrides) => ({
    type: 'lab_report.failed',
    event_id: 'evt_7c1f0a92-52c8-4a63-9082-7e50e2f5a1cd',
    occurred_at: '2024-05-01T09:15:02Z',
    data: {
      session_id: '297405620317847552',
      reference_id: 'your-patient-123',
      error: { code: 'file_unreadable', message: 'The uploaded file could not be read.', retriable: false },
    },
    ...overrides,
  }),
};
