import type { LoggerOption } from '../logging/logger.js';
import type { BodyLimits } from '../body/limits.js';
import type { InboxWorkerOptions } from '../inbox/store-inbox.js';
import type { WebhookStore } from '../stores/webhook-store.js';

/**
 * How the worker that dispatches stored deliveries behaves (see `createDispatcher`). Every receiver
 * on one store in a process shares one worker; `joinStoreInbox` says how their options are reconciled.
 */
export type WorkerOptions = InboxWorkerOptions;

/** Options every provider's receiver takes. */
export interface CommonReceiverOptions {
  /**
   * Wire and decoded size limits and the slow-body timeout. Defaults: `DEFAULT_BODY_LIMITS`.
   */
  readonly limits?: Partial<BodyLimits>;
  /**
   * Answer 422 to unknown event types and payloads that fail their schema, instead of acknowledging
   * and surfacing them through `onUnknown`/`onInvalid`. Off by default: such deliveries are not the
   * sender's fault to retry, and Thryve disables webhooks after repeated failures.
   */
  readonly strict?: boolean;
  /** Current time in epoch milliseconds; inject a fixed clock in tests of signed timestamps. */
  readonly clock?: () => number;
  /**
   * The durable inbox. With a store, a delivery is persisted before it is acknowledged, retries of it
   * are acknowledged without being dispatched again, and handlers run after the acknowledgement in a
   * worker that retries failures and finally marks them dead. Without one, handlers run before the
   * acknowledgement and a failing handler answers 500 so the provider retries.
   */
  readonly store?: WebhookStore;
  /**
   * The worker of this receiver (only with `store`). `false` runs no worker for this provider in this
   * process: another process sharing the store dispatches. Default: a worker with `createDispatcher`'s
   * defaults. Receivers on the same store share one worker (one poll for all their providers).
   */
  readonly worker?: WorkerOptions | false;
  /**
   * Without a store: how long the handlers of one delivery may run before it is answered 500
   * `handler_timeout` (reported to `onError` and the log), so a handler that never settles does not
   * hold its request (and each retry another) for as long as the process lives; the handlers themselves
   * go on, as JavaScript cannot stop them. Default 15 000 ms, as long as the most patient provider
   * waits (Vital; Terra waits ~8 s, Thryve 2 s), so by then the provider has usually given up and
   * retries on its own: handlers that slow need a store. At most 2^31 - 1 (a timer's limit). With a
   * store, `worker.handlerTimeoutMs` bounds each attempt instead.
   */
  readonly handlerTimeoutMs?: number;
  /**
   * How long completed and dead deliveries, and so their keys for recognising retries, are kept before
   * an hourly purge deletes them. Default 7 days; retries of older deliveries are dispatched again.
   * Quarantined deliveries are purged after this too.
   */
  readonly retentionMs?: number;
  /**
   * How long completed deliveries keep their body; after it only their key is kept (to recognise
   * retries) until `retentionMs`. Dead and quarantined deliveries keep theirs, since requeue needs
   * them. Default 24 h (`DEFAULT_BODY_RETENTION_MS`).
   */
  readonly bodyRetentionMs?: number;
  /**
   * Whether the worker also upserts each event's records (`event.records`: Thryve data points, Terra
   * and Vital summaries, Vital timeseries samples) into the store before the handlers run, keeping the
   * newest version of each for `store.getRecords` (only with `store`). Default `false`: the inbox does
   * not need them, and they cost more than the inbox itself (a Vital timeseries delivery is about 25
   * rows, against one for the delivery). Turn it on when the app reads `store.getRecords` instead of
   * writing `event.records` to its own tables. It takes effect where deliveries are dispatched: set it
   * on every receiver of the provider in every process that runs a worker on the store (a retry is
   * dispatched by whichever worker claims it). `true` without `store` is refused.
   */
  readonly storeRecords?: boolean;
  /**
   * For platforms that may freeze the process once the response is sent (Vercel and Next.js `after`/
   * `waitUntil`, Cloudflare's `ctx.waitUntil`, Netlify): wearhook hands it the promise of the work it
   * does after the acknowledgement, and the platform keeps the function alive until it settles. The
   * promise never rejects; failures go to `onError`. With a store, the worker then does not poll in the
   * background: each acknowledged delivery drains the inbox inside `waitUntil` (what a crash or a
   * timeout leaves is picked up by the next delivery, or by a worker elsewhere). Without a store,
   * handlers run before the acknowledgement and there is nothing to hand over.
   */
  readonly waitUntil?: (promise: Promise<unknown>) => void;
  /**
   * Where wearhook writes what would otherwise pass silently: quarantined deliveries, unknown event
   * types, schema drift (repeats of one provider, type and path are counted, not repeated), failed
   * handlers, worker failures and refused requests. Each line has a stable `code`, the provider, event
   * type and delivery key, never the payload or a secret. Default: JSON lines on stderr. Any
   * pino-compatible logger (`logger.warn(object, message)`) works; `false` opts into silence.
   */
  readonly logger?: LoggerOption;
}
