import type { ProviderDefinition } from '../provider-definition.js';
import { SchemaValidator } from '../../validation/schema-validator.js';
import { thryveConformance } from './generated/conformance.js';
import { thryveGate } from './generated/gate.js';
import { THRYVE_LEGACY_SOURCE_UPDATE, canonicalThryveEventType } from './event-types.js';
import { thryveDeliveryKey } from './delivery-key.js';
import { toThryveEvent } from './events.js';
import type { ThryveEvent } from './types.js';
import { thryveWarmUpDeliveries } from './warm-up.js';

/**
 * The event type of a parsed Thryve body: its `type` string (aliases resolved; unknown types returned
 * as they are, for the receiver to quarantine), `legacy.sourceUpdate` for the legacy format, or
 * `undefined` when the body is not a Thryve envelope at all.
 */
export function thryveEventTypeOf(payload: unknown): string | undefined {
  if (!isObject(payload)) return undefined;
  const { type } = payload;
  if (type !== undefined) return typeof type === 'string' && type !== '' ? canonicalThryveEventType(type) : undefined;
  return isObject(payload.sourceUpdate) ? THRYVE_LEGACY_SOURCE_UPDATE : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Thryve: event types, schemas, content-hash delivery keys and typed events with record keys. */
export const thryveProvider: ProviderDefinition<ThryveEvent> = {
  name: 'thryve',
  validator: new SchemaValidator({ gate: thryveGate, conformance: thryveConformance }),
  eventTypeOf: thryveEventTypeOf,
  deliveryKey: (_headers, decodedBody) => thryveDeliveryKey(decodedBody),
  // Nothing in Thryve's headers goes into its events.
  deliveryContext: () => undefined,
  toEvent: toThryveEvent,
  warmUpDeliveries: thryveWarmUpDeliveries,
};
