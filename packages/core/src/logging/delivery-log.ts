/**
 * The log lines wearhook writes about deliveries. Each carries a stable `code`, the provider, the
 * event type and the delivery key, and never the payload, a header value or a secret: issue paths and
 * messages come from the schemas, not from the payload's values.
 */
import type { Drift, ValidationIssue } from '../validation/drift.js';
import { DriftCounter } from './drift-counter.js';
import { resolveLogger, type LoggerOption, type WearhookLogger } from './logger.js';

/** The stable codes of wearhook's log lines. */
export const LOG_CODES = {
  quarantined: 'delivery_quarantined',
  unknown: 'unknown_event_type',
  drift: 'schema_drift',
  handlerFailed: 'handler_failed',
  dispatchFailed: 'dispatch_failed',
  refused: 'delivery_refused',
  duplicate: 'duplicate_delivery',
  unhandled: 'no_handler',
} as const;

/** What every delivery line names. */
export interface DeliveryRef {
  readonly provider: string;
  readonly eventType: string;
  readonly deliveryKey: string;
}

/** The most issues a quarantine line lists (the gate reports one; a custom validator may report more). */
const MAX_LOGGED_ISSUES = 5;

/** One receiver's (or application's) delivery log: a logger and the drift counter it dedups with. */
export class DeliveryLog {
  readonly logger: WearhookLogger;
  private readonly driftCounter: DriftCounter;
  private readonly unhandledCounter = new DriftCounter();

  constructor(option?: LoggerOption, driftCounter: DriftCounter = new DriftCounter()) {
    this.logger = resolveLogger(option);
    this.driftCounter = driftCounter;
  }

  /** A delivery failed its gate: acknowledged (unless strict) and kept, but no `on(type)` handler runs. */
  quarantined(delivery: DeliveryRef, issues: readonly ValidationIssue[]): void {
    this.logger.warn(
      { code: LOG_CODES.quarantined, ...delivery, issues: issues.slice(0, MAX_LOGGED_ISSUES) },
      `${delivery.provider} ${delivery.eventType} delivery quarantined: it lacks what wearhook needs to build the event`,
    );
  }

  /** A delivery of an event type the provider is not known to send. */
  unknown(delivery: DeliveryRef): void {
    this.logger.warn({ code: LOG_CODES.unknown, ...delivery }, `${delivery.provider} delivery of unknown event type ${JSON.stringify(delivery.eventType)} kept unhandled`);
  }

  /**
   * A typed event whose payload differs from the provider's published schema. Each (provider, type,
   * path) is logged the 1st, 10th, 100th... time with its count (see `DriftCounter`); a delivery
   * whose paths were all logged before writes nothing.
   */
  drift(delivery: DeliveryRef, drift: Drift): void {
    const paths: { path: string; message: string; count: number }[] = [];
    for (const issue of drift.issues) {
      const count = this.driftCounter.see(delivery.provider, delivery.eventType, issue.path);
      if (count !== undefined) paths.push({ ...issue, count });
    }
    if (paths.length === 0) return;
    this.logger.info(
      { code: LOG_CODES.drift, ...delivery, issues: paths, truncated: drift.truncated },
      `${delivery.provider} ${delivery.eventType} differs from the provider's published schema; delivered as a typed event with drift`,
    );
  }

  /**
   * A valid event that no `on(type)` or `onAny` handler took: nothing handled it, and its delivery is
   * complete all the same (subscribe before deliveries arrive: a worker claims what is pending as soon
   * as it starts). Logged the 1st, 10th, 100th... time per provider and type, with the count.
   */
  unhandled(delivery: DeliveryRef): void {
    const count = this.unhandledCounter.see(delivery.provider, delivery.eventType, '');
    if (count === undefined) return;
    this.logger.warn(
      { code: LOG_CODES.unhandled, ...delivery, count },
      `${delivery.provider} ${delivery.eventType} event reached no handler (no on('${delivery.eventType}') or onAny); its delivery completes unhandled`,
    );
  }

  /**
   * A delivery whose key the store already holds: a retry, acknowledged and not handled again. Said
   * so that a delivery sent twice (by a provider, or by hand with the CLI) never vanishes silently.
   */
  duplicate(delivery: DeliveryRef): void {
    this.logger.info(
      { code: LOG_CODES.duplicate, ...delivery },
      `${delivery.provider} ${delivery.eventType} delivery already received (same delivery key): acknowledged as a retry, not handled again`,
    );
  }

  /** An `on(type)` handler threw or rejected. Logs the error's name and message, not its stack. */
  handlerFailure(delivery: DeliveryRef, error: unknown): void {
    this.logger.error(
      { code: LOG_CODES.handlerFailed, ...delivery, error: describeError(error) },
      `A handler failed for ${delivery.provider} ${delivery.eventType}`,
    );
  }

  /**
   * The inbox worker or the store failed around a delivery (claim, record upsert, complete, a handler
   * timeout, a delivery given up as dead). Logs the error's name and message, not its stack.
   */
  dispatchFailure(delivery: DeliveryRef, error: unknown): void {
    this.logger.error(
      { code: LOG_CODES.dispatchFailed, ...delivery, error: describeError(error) },
      `The inbox worker failed for ${delivery.provider} ${delivery.eventType}`,
    );
  }

  /**
   * A request answered with an error status. `errorCode` is the response's stable error code; the
   * delivery key and type are given when known by then. A 5xx also logs the error's message (wearhook's
   * own words) and what caused it on this side, by name and code only (`ERR_SQLITE_ERROR` 13 "database
   * or disk is full", a SQLSTATE, `EFBIG`): without it, an app that does not subscribe `onError` would
   * never learn why deliveries fail. Not the cause's message, which a custom store's driver may fill
   * with the SQL and its values, the delivery's body among them.
   */
  refused(
    request: { readonly provider: string; readonly status: number; readonly errorCode: string; readonly eventType?: string; readonly deliveryKey?: string },
    error?: unknown,
  ): void {
    const message = `${request.provider} delivery refused with ${request.status} ${request.errorCode}`;
    if (request.status < 500 || error === undefined) {
      this.logger[request.status < 500 ? 'warn' : 'error']({ code: LOG_CODES.refused, ...request }, message);
      return;
    }
    const described = describeError(error);
    const cause = error instanceof Error && error.cause !== undefined ? identifyError(error.cause) : undefined;
    const because = cause === undefined ? '' : ` (cause: ${Object.values(cause).join(' ')})`;
    this.logger.error(
      { code: LOG_CODES.refused, ...request, error: described, ...(cause === undefined ? {} : { cause }) },
      `${message}: ${described.message}${because}`,
    );
  }
}

/**
 * An error by what identifies it and never carries data: its name, and the codes drivers and Node
 * attach (`code`: a Node or SQLite code, a SQLSTATE; SQLite's `errcode` and `errstr`, the fixed text
 * of that code).
 */
function identifyError(error: unknown): Readonly<Record<string, string | number>> {
  if (!(error instanceof Error)) return { name: typeof error };
  const identified: Record<string, string | number> = { name: error.name };
  for (const field of ['code', 'errcode', 'errstr'] as const) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'number') identified[field] = typeof value === 'string' ? value.slice(0, 100) : value;
  }
  return identified;
}

function describeError(error: unknown): { readonly name: string; readonly message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: typeof error, message: String(error) };
}
