import type { ProviderName, RecordRef } from '../events/webhook-event.js';
import { outranks, prepareRecords } from './record-versioning.js';
import { StoreUnavailableError } from './store-unavailable-error.js';
import {
  DEFAULT_RETENTION_MS,
  type ClaimedDelivery,
  type ClaimOptions,
  type DeliveryState,
  type FailOutcome,
  type NewDelivery,
  type StoredDelivery,
  type StoredRecord,
  type UpsertRecordsOptions,
  type WebhookStore,
} from './webhook-store.js';

interface DeliveryRow {
  id: number;
  provider: ProviderName;
  deliveryKey: string;
  eventType: string;
  state: DeliveryState;
  body: string;
  receivedAtMs: number;
  issuesJson: string | undefined;
  attempts: number;
  nextAttemptAtMs: number;
  lastError: string | undefined;
  leaseOwner: string | undefined;
  leaseUntilMs: number | undefined;
  finishedAtMs: number | undefined;
}

interface RecordRow {
  provider: ProviderName;
  kind: string;
  userId: string;
  key: string;
  version: number | undefined;
  dataJson: string;
  receivedAtMs: number;
  revision: number;
  updatedAtMs: number;
}

/**
 * A store that lives in process memory: for tests and for setups that accept losing undispatched
 * deliveries on restart. Nothing is durable. Every operation completes synchronously, so claims are
 * exclusive without locks. Values are copied in and out (JSON text), as a database would.
 */
export function createMemoryStore(): WebhookStore {
  const deliveries = new Map<string, DeliveryRow>();
  const byId = new Map<number, DeliveryRow>();
  const records = new Map<string, RecordRow>();
  let nextId = 1;
  let closed = false;

  // Keeps the contract's "rejects, never throws synchronously" and "closed means unavailable".
  const run = <T>(operation: () => T): Promise<T> => {
    if (closed) return Promise.reject(new StoreUnavailableError('The webhook store is closed.'));
    try {
      return Promise.resolve(operation());
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const leased = (id: string, workerId: string): DeliveryRow | undefined => {
    const row = byId.get(Number(id));
    return row !== undefined && row.state === 'pending' && row.leaseOwner === workerId ? row : undefined;
  };

  return {
    putIfAbsent: (delivery: NewDelivery) =>
      run(() => {
        const identity = deliveryIdentity(delivery.provider, delivery.deliveryKey);
        if (deliveries.has(identity)) return { inserted: false };
        const row: DeliveryRow = {
          id: nextId++,
          provider: delivery.provider,
          deliveryKey: delivery.deliveryKey,
          eventType: delivery.eventType,
          state: delivery.state,
          body: delivery.body,
          receivedAtMs: delivery.receivedAt.getTime(),
          issuesJson: delivery.issues === undefined ? undefined : JSON.stringify(delivery.issues),
          attempts: 0,
          nextAttemptAtMs: delivery.receivedAt.getTime(),
          lastError: undefined,
          leaseOwner: undefined,
          leaseUntilMs: undefined,
          finishedAtMs: undefined,
        };
        deliveries.set(identity, row);
        byId.set(row.id, row);
        return { inserted: true };
      }),

    claim: ({ workerId, leaseMs, limit, now = new Date(), providers }: ClaimOptions) =>
      run(() => {
        const nowMs = now.getTime();
        const due = [...byId.values()]
          .filter(
            (row) =>
              row.state === 'pending' &&
              (providers === undefined || providers.includes(row.provider)) &&
              row.nextAttemptAtMs <= nowMs &&
              (row.leaseUntilMs === undefined || row.leaseUntilMs <= nowMs),
          )
          .sort((a, b) => a.nextAttemptAtMs - b.nextAttemptAtMs || a.id - b.id)
          .slice(0, Math.max(0, limit));
        for (const row of due) {
          row.leaseOwner = workerId;
          row.leaseUntilMs = nowMs + leaseMs;
          row.attempts += 1;
        }
        return due.map((row) => toDelivery(row) as ClaimedDelivery);
      }),

    complete: (id: string, workerId: string, options?: { readonly now?: Date }) =>
      run(() => {
        const row = leased(id, workerId);
        if (row === undefined) return false;
        finish(row, 'completed', (options?.now ?? new Date()).getTime());
        return true;
      }),

    fail: (id: string, workerId: string, outcome: FailOutcome, error: string, options?: { readonly now?: Date }) =>
      run(() => {
        const row = leased(id, workerId);
        if (row === undefined) return false;
        row.lastError = error;
        if ('dead' in outcome) {
          finish(row, 'dead', (options?.now ?? new Date()).getTime());
        } else {
          row.nextAttemptAtMs = outcome.retryAt.getTime();
          row.leaseOwner = undefined;
          row.leaseUntilMs = undefined;
        }
        return true;
      }),

    release: (id: string, workerId: string) =>
      run(() => {
        const row = leased(id, workerId);
        if (row === undefined) return false;
        row.leaseOwner = undefined;
        row.leaseUntilMs = undefined;
        row.attempts = Math.max(0, row.attempts - 1);
        return true;
      }),

    listDead: ({ limit }: { readonly limit: number }) =>
      run(() =>
        [...byId.values()]
          .filter((row) => row.state === 'dead')
          .sort((a, b) => a.id - b.id)
          .slice(0, Math.max(0, limit))
          .map(toDelivery),
      ),

    requeue: (ids: readonly string[], options?: { readonly now?: Date }) =>
      run(() => {
        const nowMs = (options?.now ?? new Date()).getTime();
        let requeued = 0;
        for (const id of new Set(ids)) {
          const row = byId.get(Number(id));
          if (row === undefined || (row.state !== 'dead' && row.state !== 'quarantined')) continue;
          Object.assign(row, {
            state: 'pending',
            attempts: 0,
            nextAttemptAtMs: nowMs,
            leaseOwner: undefined,
            leaseUntilMs: undefined,
            finishedAtMs: undefined,
          });
          requeued += 1;
        }
        return { requeued };
      }),

    purge: (options?: { readonly olderThan?: Date; readonly now?: Date }) =>
      run(() => {
        const cutoffMs =
          options?.olderThan?.getTime() ?? (options?.now ?? new Date()).getTime() - DEFAULT_RETENTION_MS;
        let purged = 0;
        for (const [identity, row] of deliveries) {
          if ((row.state === 'completed' || row.state === 'dead') && row.receivedAtMs < cutoffMs) {
            deliveries.delete(identity);
            byId.delete(row.id);
            purged += 1;
          }
        }
        return { purged };
      }),

    get: (provider: ProviderName, deliveryKey: string) =>
      run(() => {
        const row = deliveries.get(deliveryIdentity(provider, deliveryKey));
        return row === undefined ? undefined : toDelivery(row);
      }),

    upsertRecords: (provider: ProviderName, batch: readonly RecordRef[], options?: UpsertRecordsOptions) =>
      run(() => {
        const prepared = prepareRecords(batch);
        const receivedAtMs = (options?.receivedAt ?? new Date()).getTime();
        const nowMs = Date.now();
        let applied = 0;
        for (const record of prepared) {
          const identity = JSON.stringify([provider, record.userId, record.kind, record.key]);
          const stored = records.get(identity);
          if (stored !== undefined && !outranks({ version: record.version, receivedAtMs }, stored)) continue;
          records.set(identity, {
            provider,
            kind: record.kind,
            userId: record.userId,
            key: record.key,
            version: record.version,
            dataJson: record.dataJson,
            receivedAtMs,
            revision: (stored?.revision ?? 0) + 1,
            updatedAtMs: nowMs,
          });
          applied += 1;
        }
        return { applied };
      }),

    getRecords: (query: { readonly provider: ProviderName; readonly userId: string; readonly kind?: string }) =>
      run(() =>
        [...records.values()]
          .filter(
            (row) =>
              row.provider === query.provider &&
              row.userId === query.userId &&
              (query.kind === undefined || row.kind === query.kind),
          )
          .sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.key, b.key))
          .map(toRecord),
      ),

    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
}

function deliveryIdentity(provider: ProviderName, deliveryKey: string): string {
  return JSON.stringify([provider, deliveryKey]);
}

function finish(row: DeliveryRow, state: 'completed' | 'dead', nowMs: number): void {
  row.state = state;
  row.finishedAtMs = nowMs;
  row.leaseOwner = undefined;
  row.leaseUntilMs = undefined;
}

function toDelivery(row: DeliveryRow): StoredDelivery {
  return {
    id: String(row.id),
    provider: row.provider,
    deliveryKey: row.deliveryKey,
    eventType: row.eventType,
    state: row.state,
    body: row.body,
    receivedAt: new Date(row.receivedAtMs),
    issues: row.issuesJson === undefined ? undefined : JSON.parse(row.issuesJson),
    attempts: row.attempts,
    nextAttemptAt: new Date(row.nextAttemptAtMs),
    lastError: row.lastError,
    leaseOwner: row.leaseOwner,
    leaseUntil: row.leaseUntilMs === undefined ? undefined : new Date(row.leaseUntilMs),
    finishedAt: row.finishedAtMs === undefined ? undefined : new Date(row.finishedAtMs),
  };
}

function toRecord(row: RecordRow): StoredRecord {
  return {
    provider: row.provider,
    kind: row.kind,
    userId: row.userId,
    key: row.key,
    version: row.version,
    data: JSON.parse(row.dataJson),
    receivedAt: new Date(row.receivedAtMs),
    revision: row.revision,
    updatedAt: new Date(row.updatedAtMs),
  };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
