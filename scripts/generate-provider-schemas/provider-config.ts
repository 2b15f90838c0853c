export type GeneratedProvider = 'terra' | 'vital';

/** What differs between the providers' specs; everything else is the same code path. */
export interface ProviderConfig {
  readonly provider: GeneratedProvider;
  /** The spec's file name inside the reference folder. */
  readonly specFile: string;
  /** The payload property that names the event type. */
  readonly discriminator: string;
  /** Components whose `oneOf` arms are events too, for events the `webhooks:` section leaves out. */
  readonly extraEventUnions: readonly string[];
  /** Event types that arrive with the payload of another one: alias → canonical event type. */
  readonly aliases: Readonly<Record<string, string>>;
  /** Whether an enum is declared open to values it does not list (decided from the spec's own words). */
  isOpenEnum(raw: Readonly<Record<string, unknown>>): boolean;
}

export const PROVIDER_CONFIGS: readonly ProviderConfig[] = [
  {
    provider: 'terra',
    specFile: 'terra-v2.openapi.yaml',
    discriminator: 'type',
    // planned_workout, hormone and health_observation are in this union but have no `webhooks:` entry.
    extraEventUnions: ['WebhookEventType'],
    // The `s3_upload` webhook's payload reads `type: s3_payload`; deliveries typed `s3_upload` are seen too.
    aliases: { s3_upload: 's3_payload' },
    // Terra never says whether its enums are exhaustive: keep them as the spec lists them.
    isOpenEnum: () => false,
  },
  {
    provider: 'vital',
    specFile: 'vital-webhooks.openapi.json',
    discriminator: 'event_type',
    extraEventUnions: [],
    aliases: {},
    // Junction marks its open enums "ℹ️ This enum is non-exhaustive." in the description, and
    // the exhaustive ones (event types) with `x-junction-exhaustive`.
    isOpenEnum: (raw) =>
      raw['x-junction-exhaustive'] !== true && typeof raw.description === 'string' && /non-exhaustive/i.test(raw.description),
  },
];
