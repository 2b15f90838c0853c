import type { WarmUpDelivery } from '../provider-definition.js';

/**
 * Thryve's `event.data.daily.create` sample (881 bytes of JSON) compressed by the `zstd` tool
 * (`zstd -3 --no-check`): a frame of the kind Thryve sends, so its warm-up runs the zstd decoder's paths
 * for compressed JSON, whose first frame costs 2-3 ms. `warm-up.test.ts` checks it against the tool.
 */
export const THRYVE_WARM_UP_FRAME =
  'KLUv/WBxAnUKADYSPCQwqboBWAai6Lqi1GJHbXjCfpA61WaZn0O2T3vaMqTgg4WBMQ4xADIALgDVJ/K3rXMJpmB5vRZubTmd' +
  'to6IB4mJLP0mF9kbCdFMJDEpfImuG+kt3DhgeYVE6lsJCQkuKLjwHmMGDzblvoy8BJg0ozmXrIt6VOB+uyUZsCk7Gvo7Gp46' +
  'xakqF65XWFRN+gNwt1b+jy1wC3wOMhw1EaVknbLfn9mUki9j7G37GG6u2ZRtzNzPz8F9r9PUcEoFWXYgofKrO/zb8Va7QHNw' +
  'zMv1VO7TMa9l2UYMaAE5IA8HWiA8UOQsGhHEsZy6ZNsGMBoEGyQgMELCVPq4Lq1HC8LDNNMSSI6VCPOEDtbE8aBIeNWe4g8r' +
  'nUF2XqQbvfIVjnL1AhptcJiI9fJg2/yqji5/WuFYd1dIG+ZYGNTwI0aZby4DKm3DBjwbHkjCQAE=';

/** A data push of two epoch values, as Thryve sends them with `timestampType` ISO. */
const EPOCH_PUSH = {
  endUserId: 'wearhook-warm-up',
  timestampType: 'ISO',
  type: 'event.data.epoch.create',
  data: {
    dataSourceId: 5,
    dataSourceName: 'Apple',
    epochData: [
      {
        startTimestamp: '2022-09-07T19:39:32Z',
        endTimestamp: '2022-09-07T19:45:02Z',
        timezoneOffset: 120,
        dataTypeId: 1000,
        value: '53.0',
        additionalDetails: { creationTimestamp: '2022-09-07T19:45:05Z', dataTypeName: 'Steps', valueType: 'DOUBLE', trustworthiness: 'plausible' },
      },
      {
        startTimestamp: '2022-09-07T19:40:00Z',
        endTimestamp: '2022-09-07T19:41:00Z',
        timezoneOffset: 120,
        dataTypeId: 3000,
        value: '87',
        additionalDetails: { creationTimestamp: '2022-09-07T19:45:05Z', dataTypeName: 'HeartRate', valueType: 'LONG', trustworthiness: 'plausible' },
      },
    ],
  },
};

/** Thryve's warm-up: an epoch push as JSON and a daily push compressed with zstd, its two commonest deliveries. */
export function thryveWarmUpDeliveries(): readonly WarmUpDelivery[] {
  return [
    { headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(EPOCH_PUSH)) },
    { headers: { 'content-type': 'application/json', 'content-encoding': 'zstd' }, body: Buffer.from(THRYVE_WARM_UP_FRAME, 'base64') },
  ];
}
