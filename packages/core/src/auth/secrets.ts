/**
 * One secret or several: several let one URL accept deliveries signed for more than one environment,
 * and let a secret be rotated without downtime (configure old and new, then drop the old one).
 */
export type Secrets = string | readonly string[];

/**
 * Turns a `Secrets` option into a non-empty list, refusing configurations that could never
 * authenticate anything. Throws at construction, so a missing environment variable fails at start-up
 * rather than as a 401 on every delivery.
 *
 * @param owner the factory's name, for the error message (for example `'terraSignature'`).
 * @param option the option's name, for the error message (for example `'secrets'`).
 */
export function normalizeSecrets(secrets: Secrets, owner: string, option = 'secrets'): readonly string[] {
  const list: readonly unknown[] = typeof secrets === 'string' ? [secrets] : Array.isArray(secrets) ? secrets : [secrets];
  if (list.length === 0) {
    throw new TypeError(`${owner}: \`${option}\` is an empty list. Pass at least one secret.`);
  }
  list.forEach((secret, index) => {
    const where = list.length === 1 ? `\`${option}\`` : `\`${option}[${index}]\``;
    if (typeof secret !== 'string') {
      throw new TypeError(
        `${owner}: ${where} must be a string, got ${secret === null ? 'null' : typeof secret}. ` +
          'Is the environment variable that should hold it set?',
      );
    }
    if (secret.trim() === '') {
      throw new TypeError(
        `${owner}: ${where} is empty. Is the environment variable that should hold it set?`,
      );
    }
  });
  // Duplicates would only cost an extra HMAC per delivery.
  return [...new Set(list as readonly string[])];
}
