/**
 * The `logger` option: where wearhook writes what would otherwise pass silently (quarantined
 * deliveries, unknown types, drift, handler failures, refused requests).
 */

/** A structured logger: pino's, or anything with the same three methods (`logger.warn(object, message)`). */
export interface WearhookLogger {
  info(object: Readonly<Record<string, unknown>>, message: string): void;
  warn(object: Readonly<Record<string, unknown>>, message: string): void;
  error(object: Readonly<Record<string, unknown>>, message: string): void;
}

/**
 * What the `logger` option accepts: a logger, `false` to opt into silence, or `undefined` for the
 * default ({@link stderrLogger}).
 */
export type LoggerOption = WearhookLogger | false | undefined;

type Level = 'info' | 'warn' | 'error';

/**
 * The default logger: one JSON object per line on stderr, `{"level","time","msg",...fields}`. stderr,
 * not stdout: applications (and wearhook's example apps) keep stdout for their own output.
 */
export function stderrLogger(write: (line: string) => void = (line) => process.stderr.write(line)): WearhookLogger {
  const log = (level: Level) => (object: Readonly<Record<string, unknown>>, message: string) => {
    write(`${JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...object })}\n`);
  };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

const silent: WearhookLogger = Object.freeze({ info() {}, warn() {}, error() {} });

/** A logger that writes nothing: what `logger: false` means. */
export function silentLogger(): WearhookLogger {
  return silent;
}

/** The logger an option means: the given one, silence for `false`, else the stderr default. */
export function resolveLogger(option: LoggerOption): WearhookLogger {
  if (option === false) return silent;
  return option ?? stderrLogger();
}
