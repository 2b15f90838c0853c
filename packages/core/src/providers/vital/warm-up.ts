import type { WarmUpDelivery } from '../provider-definition.js';

const USER = { user_id: 'wearhook-warm-up', client_user_id: 'wearhook-warm-up', team_id: 'wearhook-warm-up' };

const HEARTRATE = {
  event_type: 'daily.data.heartrate.created',
  data: {
    source: { provider: 'apple_health_kit', type: 'watch', app_id: 'com.apple.health' },
    data: [
      { timestamp: '2024-05-01T08:00:00+00:00', unit: 'bpm', value: 72, timezone_offset: 3600 },
      { timestamp: '2024-05-01T08:01:00+00:00', unit: 'bpm', value: 74, timezone_offset: 3600 },
    ],
  },
  ...USER,
};

const SLEEP = {
  event_type: 'daily.data.sleep.created',
  data: {
    user_id: 'wearhook-warm-up',
    updated_at: '2024-05-01T08:00:00+00:00',
    id: 'fa8ab8ce-ceac-4467-98d7-9ce87c5ed4b9',
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
    state: 'confirmed',
    source: { provider: 'oura', type: 'ring' },
  },
  ...USER,
};

/** Vital's warm-up: a timeseries (heart rate) and a summary (sleep) delivery, each with its Svix message id. */
export function vitalWarmUpDeliveries(): readonly WarmUpDelivery[] {
  return [HEARTRATE, SLEEP].map((payload, index) => ({
    headers: { 'content-type': 'application/json', 'svix-id': `msg_wearhook_warm_up_${index}` },
    body: Buffer.from(JSON.stringify(payload)),
  }));
}
