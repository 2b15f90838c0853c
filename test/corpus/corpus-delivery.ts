import { randomUUID } from 'node:crypto';
import { signHmac, signStandardWebhooks, signTerra, zstdCompress } from '@wearhook/core/testing';
import type { CorpusEntry } from './corpus-manifest.js';

export const CORPUS_SECRETS = {
  thryve: 'corpus-thryve-hmac-secret',
  terra: 'corpus-terra-signing-secret',
  vital: `whsec_${Buffer.from('corpus-vital-endpoint-secret').toString('base64')}`,
} as const;

/** Headers that identify one delivery, chosen by the test so two receivers can be sent the same one. */
export interface DeliveryIds {
  /** `X-Terra-Trace-Id` / `svix-id`. */
  readonly id: string;
  /** Unix seconds of the signature. */
  readonly timestamp: number;
}

export function freshIds(): DeliveryIds {
  return { id: randomUUID(), timestamp: Math.floor(Date.now() / 1000) };
}

export interface SignedDelivery {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

/**
 * `payload` (the corpus bytes) as its provider sends it: Thryve compresses data pushes with zstd and
 * signs the compressed bytes followed by the timestamp; Terra signs `t.body` (`terra-signature`);
 * Vital signs `id.timestamp.body` the Svix way.
 */
export function signedDelivery(entry: CorpusEntry, payload: Buffer, ids: DeliveryIds): SignedDelivery {
  const json = { 'content-type': 'application/json' };
  switch (entry.provider) {
    case 'thryve': {
      const compressed = entry.eventType.startsWith('event.data.');
      const body = compressed ? zstdCompress(payload) : payload;
      const timestamp = String(ids.timestamp);
      return {
        body,
        headers: {
          ...json,
          ...(compressed ? { 'content-encoding': 'zstd' } : {}),
          'x-hmac-signature': signHmac(CORPUS_SECRETS.thryve, body, { timestamp }),
          'x-hmac-timestamp': timestamp,
        },
      };
    }
    case 'terra':
      return {
        body: payload,
        headers: {
          ...json,
          ...entry.headers,
          'terra-signature': signTerra(CORPUS_SECRETS.terra, payload, ids.timestamp),
          'x-terra-trace-id': ids.id,
        },
      };
    case 'vital': {
      const id = `msg_${ids.id}`;
      return {
        body: payload,
        headers: {
          ...json,
          'svix-id': id,
          'svix-timestamp': String(ids.timestamp),
          'svix-signature': signStandardWebhooks(CORPUS_SECRETS.vital, id, ids.timestamp, payload),
        },
      };
    }
  }
}
