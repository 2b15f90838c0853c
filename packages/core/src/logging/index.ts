// The logging unit: the `logger` option, its default and silence, and the delivery log lines.
export { resolveLogger, silentLogger, stderrLogger, type LoggerOption, type WearhookLogger } from './logger.js';
export { DRIFT_COUNTER_MAX_KEYS, DriftCounter } from './drift-counter.js';
export { DeliveryLog, LOG_CODES, type DeliveryRef } from './delivery-log.js';
