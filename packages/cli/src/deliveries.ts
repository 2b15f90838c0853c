import {
  terraSamples,
  terraTestDelivery,
  thryveSamples,
  thryveTestDelivery,
  vitalSamples,
  vitalTestDelivery,
  type TestDelivery,
} from '@wearhook/core/testing';
import { UsageError } from './usage-error.js';

export const PROVIDERS = ['thryve', 'terra', 'vital'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Every event type the provider sends, in the order of its samples (one realistic sample per type). */
export function eventTypes(provider: Provider): string[] {
  const samples = { thryve: thryveSamples, terra: terraSamples, vital: vitalSamples }[provider];
  return Object.keys(samples);
}

export function isProvider(value: string): value is Provider {
  return (PROVIDERS as readonly string[]).includes(value);
}

export interface DeliveryOptions {
  readonly type: string;
  readonly secret: string;
  /** Thryve only: override the kit's default (zstd for `event.data.*`, plain for notifications). */
  readonly compress?: boolean;
  /** Your own payload instead of the sample, as parsed JSON. */
  readonly payload?: unknown;
}

/**
 * A delivery signed the way the provider signs it, by core's testing kit: Thryve's data pushes
 * zstd-compressed and HMAC-signed over the compressed bytes, Terra's `terra-signature`, Vital's Svix
 * headers.
 */
export function buildDelivery(provider: Provider, options: DeliveryOptions): TestDelivery {
  const types = eventTypes(provider);
  if (!types.includes(options.type)) {
    throw new UsageError(
      `${provider} does not send event type ${JSON.stringify(options.type.slice(0, 80))}. ` +
        `Run \`wearhook list ${provider}\` to see the ${types.length} types it does send.`,
    );
  }
  // The type was checked against the samples' keys above; the kit's signatures are per literal type.
  const payload = options.payload as never;
  const type = options.type as never;
  switch (provider) {
    case 'thryve':
      return thryveTestDelivery(type, { secret: options.secret, compress: options.compress, payload });
    case 'terra':
      return terraTestDelivery(type, { secret: options.secret, payload });
    case 'vital':
      if (!/^(whsec_)?[A-Za-z0-9+/]+={0,2}$/.test(options.secret)) {
        throw new UsageError('A Vital secret is the endpoint secret from the Vital dashboard: whsec_ followed by base64.');
      }
      return vitalTestDelivery(type, { secret: options.secret, payload });
  }
}
