import type { ProviderDefinition } from '../provider-definition.js';
import { SchemaValidator } from '../../validation/schema-validator.js';
import { terraDeliveryKey } from './delivery-key.js';
import { terraDeliveryContext, toTerraEvent } from './events.js';
import { terraEventSchemas, terraSharedSchemas } from './generated/schemas.js';
import type { TerraEvent } from './types.js';

/**
 * The event type of a parsed Terra body: its `type` string as sent, or `undefined` when the body is
 * not an object with a non-empty string `type`. Types Terra sends but does not specify (`healthcheck`,
 * `rate_limit_hit`, `google_no_datasource`, ...) come back as they are, so the receiver acknowledges
 * them and surfaces them as unknown deliveries.
 */
export function terraEventTypeOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const { type } = payload as { readonly type?: unknown };
  return typeof type === 'string' && type !== '' ? type : undefined;
}

/** Terra: event types, schemas, `X-Terra-Trace-Id` delivery keys and typed events with record keys. */
export const terraProvider: ProviderDefinition<TerraEvent> = {
  name: 'terra',
  validator: new SchemaValidator(terraEventSchemas, terraSharedSchemas),
  eventTypeOf: terraEventTypeOf,
  deliveryKey: terraDeliveryKey,
  deliveryContext: terraDeliveryContext,
  toEvent: toTerraEvent,
};
