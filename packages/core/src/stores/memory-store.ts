import type { ProviderName, RecordRef } from '../events/webhook-event.js';
import { IndexedHeap } from './indexed-heap.js';
import { outranks, prepareRecords } from './record-versioning.js';
import { StoreUnavailableError } from './store-unavailable-error.js';
import {
  DEFAULT_BODY_RETENTION_MS,
  DEFAULT_RETENTION_MS,
  type ClaimedDelivery,
  type ClaimOptions,
  type DeliveryState,
  type FailOutcome,
  type NewDelivery,
  type PurgeOptions,
  type PutResult,
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
  body: string | undefined;
  receivedAtMs: number;
  issuesJson: string | undefined;
  contextJson: string | undefined;
  driftJson: string | undefined;
  attempts: number;
  nextAttemptAtMs: number;
  lastError: string | undefined;
  leaseOwner: string | undefined;
  leaseUntilMs: number | undefined;
  finishedAtMs: number | undefined;
  // Positions in the queues below (-1: not queued). See `place`.
  dueSlot: number;
  leaseSlot: number;
  retainedSlot: number;
  bodySlot: number;
}

/** One user's records of one provider, by kind, then by key. */
interface RecordOwner {
  readonly provider: ProviderName;
  readonly userId: string;
  readonly byKind: Map<string, Map<string, RecordRow>>;
}

/**
 * One kept version of a record. Provider and user are its owner's, kind and key the keys of the maps
 * that hold it; the times are its write's, shared by every record of that write. Every record of every
 * delivery is retained, so each object and field here is multiplied by all of them: with its own keys
 * and two times (each a heap number), a record took ~390 bytes and the GC copied it twice on its way
 * to the old generation.
 */
interface RecordRow {
  readonly version: number | undefined;
  readonly dataJson: string;
  readonly written: RecordWrite;
  readonly revision: number;
}

/** When an upsert wrote its records. */
interface RecordWrite {
  readonly receivedAtMs: number;
  readonly updatedAtMs: number;
}

const DEFAULT_PURGE_LIMIT = 1000;

const slot = <K extends 'dueSlot' | 'leaseSlot' | 'retainedSlot' | 'bodySlot'>(name: K) => ({
  get: (row: DeliveryRow) => row[name],
  set: (row: DeliveryRow, index: number) => {
    row[name] = index;
  },
});
const byDue = (a: DeliveryRow, b: DeliveryRow) => a.nextAttemptAtMs < b.nextAttemptAtMs || (a.nextAttemptAtMs === b.nextAttemptAtMs && a.id < b.id);
const byLeaseEnd = (a: DeliveryRow, b: DeliveryRow) => a.leaseUntilMs! < b.leaseUntilMs! || (a.leaseUntilMs === b.leaseUntilMs && a.id < b.id);
const byReceipt = (a: DeliveryRow, b: DeliveryRow) => a.receivedAtMs < b.receivedAtMs || (a.receivedAtMs === b.receivedAtMs && a.id < b.id);

/**
 * A store that lives in process memory: for tests and for setups that accept losing undispatched
 * deliveries on restart. Nothing is durable. Every operation completes synchronously (the promise
 * resolves on a later microtask), so claims are exclusive without locks. Values are copied in and out
 * (JSON text), as a database would.
 *
 * Costs: deliveries are found by key or id in maps, and every hot operation (put, claim, complete,
 * fail, renew, release, a purge step) touches only the deliveries it changes, through indexed heaps:
 * per provider, the pending deliveries nobody holds, by due time; the leased ones by lease end; the
 * finished ones (completed, dead, quarantined) by receipt for purge, and the completed ones still
 * holding a body for body retention. So the work per delivery grows at most with the logarithm of what
 * is retained, never linearly (a claim used to copy and sort every delivery ever received).
 */
export function createMemoryStore(): WebhookStore {
  const deliveries = new Map<string, DeliveryRow>();
  const byId = new Map<number, DeliveryRow>();
  // By owner (provider and user), then by kind and key: a delivery's records share one owner, so an
  // upsert does one lookup in the large map and the rest in that user's small ones (25 lookups in a map
  // of every record ever kept cost ~3 µs each in cache misses), reading a user's records is a lookup, and
  // no identity string is kept per record (what is retained is what the GC copies: it was most of the cost).
  const recordsByOwner = new Map<string, RecordOwner>();
  const due = new Map<ProviderName, IndexedHeap<DeliveryRow>>();
  const leases = new IndexedHeap(byLeaseEnd, slot('leaseSlot'));
  const retained = new IndexedHeap(byReceipt, slot('retainedSlot'));
  const bodies = new IndexedHeap(byReceipt, slot('bodySlot'));
  const dead = new Set<DeliveryRow>();
  let nextId = 1;
  let closed = false;

  const dueHeap = (provider: ProviderName): IndexedHeap<DeliveryRow> => {
    let heap = due.get(provider);
    if (heap === undefined) {
      heap = new IndexedHeap(byDue, slot('dueSlot'));
      due.set(provider, heap);
    }
    return heap;
  };

  /** Puts a row in the queues its state calls for, and takes it out of the others. */
  const place = (row: DeliveryRow): void => {
    const pending = row.state === 'pending';
    const leased = pending && row.leaseUntilMs !== undefined;
    if (pending && !leased) dueHeap(row.provider).push(row);
    else due.get(row.provider)?.remove(row);
    if (leased) leases.push(row);
    else leases.remove(row);
    if (pending) retained.remove(row);
    else retained.push(row);
    if (row.state === 'completed' && row.body !== undefined) bodies.push(row);
    else bodies.remove(row);
    if (row.state === 'dead') dead.add(row);
    else dead.delete(row);
  };

  const unplace = (row: DeliveryRow): void => {
    due.get(row.provider)?.remove(row);
    leases.remove(row);
    retained.remove(row);
    bodies.remove(row);
    dead.delete(row);
  };

  /** Leases that ended go back to their provider's due queue; their owner keeps them until someone claims. */
  const expireLeases = (nowMs: number): void => {
    for (let row = leases.peek(); row !== undefined && row.leaseUntilMs! <= nowMs; row = leases.peek()) {
      leases.remove(row);
      dueHeap(row.provider).push(row);
    }
  };

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

  const finish = (row: DeliveryRow, state: 'completed' | 'dead', nowMs: number): void => {
    row.state = state;
    row.finishedAtMs = nowMs;
    row.leaseOwner = undefined;
    row.leaseUntilMs = undefined;
    place(row);
  };

  return {
    putIfAbsent: (delivery: NewDelivery) =>
      run((): PutResult => {
        // The same constraint the databases' CHECK enforces: only new deliveries' states are storable.
        if (delivery.state !== 'pending' && delivery.state !== 'quarantined') {
          throw new StoreUnavailableError(`A new delivery must be pending or quarantined, not ${JSON.stringify(String(delivery.state))}.`);
        }
        const identity = deliveryIdentity(delivery.provider, delivery.deliveryKey);
        if (deliveries.has(identity)) return { inserted: false };
        const receivedAtMs = delivery.receivedAt.getTime();
        const lease = delivery.state === 'pending' ? delivery.lease : undefined;
        const row: DeliveryRow = {
          id: nextId++,
          provider: delivery.provider,
          deliveryKey: delivery.deliveryKey,
          eventType: delivery.eventType,
          state: delivery.state,
          body: delivery.body,
          receivedAtMs,
          issuesJson: toJson(delivery.issues),
          contextJson: toJson(delivery.context),
          driftJson: toJson(delivery.drift),
          // A lease at insert is the first attempt, as a claim would count it.
          attempts: lease === undefined ? 0 : 1,
          nextAttemptAtMs: receivedAtMs,
          lastError: undefined,
          leaseOwner: lease?.workerId,
          leaseUntilMs: lease === undefined ? undefined : Date.now() + lease.leaseMs,
          finishedAtMs: undefined,
          dueSlot: -1,
          leaseSlot: -1,
          retainedSlot: -1,
          bodySlot: -1,
        };
        deliveries.set(identity, row);
        byId.set(row.id, row);
        place(row);
        return { inserted: true, id: String(row.id) };
      }),

    claim: ({ workerId, leaseMs, limit, now = new Date(), providers }: ClaimOptions) =>
      run(() => {
        const nowMs = now.getTime();
        expireLeases(nowMs);
        const heaps = (providers ?? [...due.keys()]).map((provider) => due.get(provider)).filter((heap) => heap !== undefined);
        const claimed: ClaimedDelivery[] = [];
        while (claimed.length < limit) {
          // Oldest due first across the providers asked for: the earliest head of their queues.
          let next: DeliveryRow | undefined;
          for (const heap of heaps) {
            const head = heap.peek();
            if (head !== undefined && head.nextAttemptAtMs <= nowMs && (next === undefined || byDue(head, next))) next = head;
          }
          if (next === undefined) break;
          next.leaseOwner = workerId;
          next.leaseUntilMs = nowMs + leaseMs;
          next.attempts += 1;
          place(next);
          claimed.push(toDelivery(next) as ClaimedDelivery);
        }
        return claimed;
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
          place(row);
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
        place(row);
        return true;
      }),

    renew: (ids: readonly string[], workerId: string, leaseMs: number, options?: { readonly now?: Date }) =>
      run(() => {
        const nowMs = (options?.now ?? new Date()).getTime();
        const renewed: string[] = [];
        for (const id of new Set(ids)) {
          const row = leased(id, workerId);
          if (row === undefined) continue;
          row.leaseUntilMs = nowMs + leaseMs;
          place(row);
          renewed.push(id);
        }
        return renewed;
      }),

    listDead: ({ limit }: { readonly limit: number }) =>
      // Not a hot path: only dead deliveries are sorted, and there are few of them.
      run(() => [...dead].sort((a, b) => a.id - b.id).slice(0, Math.max(0, limit)).map(toDelivery)),

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
          place(row);
          requeued += 1;
        }
        return { requeued };
      }),

    purge: (options?: PurgeOptions) =>
      run(() => {
        const nowMs = (options?.now ?? new Date()).getTime();
        const cutoffMs = options?.olderThan?.getTime() ?? nowMs - DEFAULT_RETENTION_MS;
        const bodyCutoffMs = options?.bodiesOlderThan?.getTime() ?? nowMs - DEFAULT_BODY_RETENTION_MS;
        const limit = Math.max(0, options?.limit ?? DEFAULT_PURGE_LIMIT);
        let purged = 0;
        let bodiesDropped = 0;
        for (let row = retained.peek(); row !== undefined && row.receivedAtMs < cutoffMs && purged < limit; row = retained.peek()) {
          unplace(row);
          deliveries.delete(deliveryIdentity(row.provider, row.deliveryKey));
          byId.delete(row.id);
          purged += 1;
        }
        for (let row = bodies.peek(); row !== undefined && row.receivedAtMs < bodyCutoffMs && purged + bodiesDropped < limit; row = bodies.peek()) {
          row.body = undefined;
          bodies.remove(row);
          bodiesDropped += 1;
        }
        return { purged, bodiesDropped };
      }),

    get: (provider: ProviderName, deliveryKey: string) =>
      run(() => {
        const row = deliveries.get(deliveryIdentity(provider, deliveryKey));
        return row === undefined ? undefined : toDelivery(row);
      }),

    upsertRecords: (provider: ProviderName, batch: readonly RecordRef[], options?: UpsertRecordsOptions) =>
      run(() => {
        const prepared = prepareRecords(batch);
        const written: RecordWrite = { receivedAtMs: (options?.receivedAt ?? new Date()).getTime(), updatedAtMs: Date.now() };
        let applied = 0;
        // prepareRecords sorts by user, then kind: consecutive records mostly share their maps.
        let owner: RecordOwner | undefined;
        let ofKind: Map<string, RecordRow> | undefined;
        let kindOf = '';
        for (const record of prepared) {
          if (owner === undefined || owner.userId !== record.userId) {
            const ownerKey = `${provider}:${record.userId}`;
            owner = recordsByOwner.get(ownerKey);
            if (owner === undefined) recordsByOwner.set(ownerKey, (owner = { provider, userId: record.userId, byKind: new Map() }));
            ofKind = undefined;
          }
          if (ofKind === undefined || kindOf !== record.kind) {
            kindOf = record.kind;
            ofKind = owner.byKind.get(kindOf);
            if (ofKind === undefined) owner.byKind.set(record.kind, (ofKind = new Map()));
          }
          const stored = ofKind.get(record.key);
          if (stored !== undefined && !outranks({ version: record.version, receivedAtMs: written.receivedAtMs }, { version: stored.version, receivedAtMs: stored.written.receivedAtMs })) continue;
          ofKind.set(record.key, { version: record.version, dataJson: record.dataJson, written, revision: (stored?.revision ?? 0) + 1 });
          applied += 1;
        }
        return { applied };
      }),

    getRecords: (query: { readonly provider: ProviderName; readonly userId: string; readonly kind?: string }) =>
      run(() => {
        const owner = recordsByOwner.get(`${query.provider}:${query.userId}`);
        if (owner === undefined) return [];
        const kinds = query.kind === undefined ? [...owner.byKind.keys()].sort(compareStrings) : [query.kind];
        return kinds.flatMap((kind) =>
          [...(owner.byKind.get(kind) ?? [])].sort(([a], [b]) => compareStrings(a, b)).map(([key, row]) => toRecord(owner, kind, key, row)),
        );
      }),

    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
}

function deliveryIdentity(provider: ProviderName, deliveryKey: string): string {
  // Provider names contain no colon, so the first one ends the provider.
  return `${provider}:${deliveryKey}`;
}

function toJson(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

function fromJson(json: string | undefined): unknown {
  return json === undefined ? undefined : JSON.parse(json);
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
    issues: fromJson(row.issuesJson),
    context: fromJson(row.contextJson) as Readonly<Record<string, string>> | undefined,
    drift: fromJson(row.driftJson),
    attempts: row.attempts,
    nextAttemptAt: new Date(row.nextAttemptAtMs),
    lastError: row.lastError,
    leaseOwner: row.leaseOwner,
    leaseUntil: row.leaseUntilMs === undefined ? undefined : new Date(row.leaseUntilMs),
    finishedAt: row.finishedAtMs === undefined ? undefined : new Date(row.finishedAtMs),
  };
}

function toRecord(owner: RecordOwner, kind: string, key: string, row: RecordRow): StoredRecord {
  return {
    provider: owner.provider,
    kind,
    userId: owner.userId,
    key,
    version: row.version,
    data: JSON.parse(row.dataJson),
    receivedAt: new Date(row.written.receivedAtMs),
    revision: row.revision,
    updatedAt: new Date(row.written.updatedAtMs),
  };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
