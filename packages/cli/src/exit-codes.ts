/** The exit codes of `wearhook`, stable for scripts and CI. */
export const EXIT = {
  /** The endpoint acknowledged the delivery (2xx), or `list`/`help` succeeded. */
  ok: 0,
  /** The endpoint answered, but refused the delivery (not 2xx). */
  refused: 1,
  /** The command was called wrongly: unknown provider or type, a missing option, an unreadable payload file. */
  usage: 2,
  /** The endpoint could not be reached: connection refused, DNS, timeout. */
  unreachable: 3,
} as const;
