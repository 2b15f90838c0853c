import { opensslHmacSha256Hex, zstdCli } from './cli-tools.js';

export const THRYVE_SECRET = 'integration-thryve-secret';

export const EPOCH_CREATE = {
  endUserId: '123accessToken',
  endUserAlias: 'alias-1',
  timestampType: 'ISO',
  type: 'event.data.epoch.create',
  data: {
    dataSourceId: 5,
    dataSourceName: 'Apple',
    epochData: [
      {
        startTimestamp: '2022-09-07T19:39:32Z',
        endTimestamp: '2022-09-07T19:45:02Z',
        timezoneOffset: 0,
        dataTypeId: 1000,
        value: '53.0',
        additionalDetails: {
          creationTimestamp: '2022-09-07T19:45:05Z',
          dataTypeName: 'Steps',
          valueType: 'DOUBLE',
          thirdPartyDataSourceId: 1,
          generationType: 'MANUAL_ENTRY',
        },
      },
    ],
  },
};

export interface SignedDelivery {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

/**
 * A Thryve delivery as Thryve sends it: JSON compressed by the `zstd` tool, signed by `openssl` over
 * the compressed bytes followed by the timestamp header's value.
 */
export function thryveDelivery(payload: unknown, options: { secret?: string; compress?: boolean } = {}): SignedDelivery {
  const json = Buffer.from(JSON.stringify(payload));
  const compress = options.compress ?? true;
  return signedThryveBytes(compress ? zstdCli(json) : json, compress ? 'zstd' : undefined, options.secret);
}

/** Signs any bytes the way Thryve does, so a test can get malformed bodies past authentication. */
export function signedThryveBytes(body: Buffer, contentEncoding?: string, secret = THRYVE_SECRET): SignedDelivery {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = opensslHmacSha256Hex(secret, Buffer.concat([body, Buffer.from(timestamp)]));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-hmac-signature': signature,
    'x-hmac-timestamp': timestamp,
  };
  if (contentEncoding !== undefined) headers['content-encoding'] = contentEncoding;
  return { body, headers };
}
