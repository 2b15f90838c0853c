import type { WarmUpDelivery } from '../provider-definition.js';

const USER = {
  user_id: 'wearhook-warm-up',
  provider: 'FITBIT',
  reference_id: 'wearhook-warm-up',
  scopes: 'ACTIVITY_EXPORT,HEALTH_EXPORT,SLEEP_EXPORT',
  last_webhook_update: '2024-05-01T07:12:33.891000+00:00',
  active: true,
};

const ACTIVITY = {
  type: 'activity',
  user: USER,
  data: [
    {
      metadata: {
        name: 'Morning Run',
        summary_id: 'wearhook-warm-up-activity',
        start_time: '2024-05-01T07:04:11.000000+01:00',
        end_time: '2024-05-01T07:52:48.000000+01:00',
        type: 8,
        upload_type: 1,
      },
      distance_data: { summary: { distance_meters: 8250.4, steps: 7902 } },
      calories_data: { total_burned_calories: 512.5, net_activity_calories: 431.2 },
      heart_rate_data: {
        summary: { avg_hr_bpm: 148.2, max_hr_bpm: 181 },
        detailed: { hr_samples: [{ timestamp: '2024-05-01T07:04:11.000000+01:00', bpm: 96 }] },
      },
      device_data: { name: 'Charge 6', manufacturer: 'Fitbit' },
    },
  ],
  version: '2022-03-16',
};

const DAILY = {
  type: 'daily',
  user: USER,
  data: [
    {
      metadata: { start_time: '2024-05-01T00:00:00.000000+01:00', end_time: '2024-05-02T00:00:00.000000+01:00', upload_type: 0 },
      distance_data: { steps: 11894, distance_meters: 9412.7, floors_climbed: 12 },
      calories_data: { total_burned_calories: 2450.8, BMR_calories: 1702 },
      heart_rate_data: { summary: { resting_hr_bpm: 52, avg_hr_bpm: 71 } },
    },
  ],
  version: '2022-03-16',
};

/** Terra's warm-up: an `activity` and a `daily` delivery, its commonest data types. */
export function terraWarmUpDeliveries(): readonly WarmUpDelivery[] {
  return [ACTIVITY, DAILY].map((payload) => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(payload)) }));
}
