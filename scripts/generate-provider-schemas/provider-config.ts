import { terraGateSchemas } from '../../packages/core/src/providers/terra/gate-schemas.js';
import { vitalGateSchemaOf, vitalGateSharedSchemas } from '../../packages/core/src/providers/vital/gate-schemas.js';
import type { GateSource } from './gate-requirements.js';

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
  /**
   * Event types the provider sends that its spec has no schema for, with the property that names them:
   * each gets a payload schema of just that property, so it is a typed event with no published shape.
   */
  readonly unspecifiedEventTypes: Readonly<Record<string, string>>;
  /** Whether an enum is declared open to values it does not list (decided from the spec's own words). */
  isOpenEnum(raw: Readonly<Record<string, unknown>>): boolean;
  /** Whether single-valued `const`s (other than the discriminator) are open too. */
  readonly openConsts: boolean;
  /** The gate of each event type (packages/core/src/providers/<name>/gate-schemas.ts). */
  readonly gate: GateSource;
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
    // Named only in Terra's EventType JSON Schema (../shared/reference/terra-schemas/EventType.yaml).
    unspecifiedEventTypes: { google_no_datasource: 'type', healthcheck: 'type', processing: 'type', rate_limit_hit: 'type' },
    // Terra never says its enums are exhaustive, and adds values without notice (issue 9): all open.
    isOpenEnum: () => true,
    openConsts: true,
    gate: {
      schemaOf: (type) => (Object.hasOwn(terraGateSchemas, type) ? terraGateSchemas[type as keyof typeof terraGateSchemas] : undefined),
    },
  },
  {
    provider: 'vital',
    specFile: 'vital-webhooks.openapi.json',
    discriminator: 'event_type',
    extraEventUnions: [],
    aliases: {},
    // Svix's operational webhook, sent on the same endpoint; Svix names the type in `type`.
    unspecifiedEventTypes: { 'message.attempt.exhausted': 'type' },
    // Junction marks its open enums "ℹ️ This enum is non-exhaustive." in the description, and
    // the exhaustive ones (event types) with `x-junction-exhaustive`.
    isOpenEnum: (raw) =>
      raw['x-junction-exhaustive'] !== true && typeof raw.description === 'string' && /non-exhaustive/i.test(raw.description),
    openConsts: false,
    gate: { schemaOf: vitalGateSchemaOf, shared: vitalGateSharedSchemas },
  },
];
