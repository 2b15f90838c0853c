import { execFileSync } from 'node:child_process';

/**
 * Fixtures made by real command-line tools, so compression and signatures are not produced by the
 * code under test. CI installs the Debian packages `zstd` and `openssl`.
 */
export function zstdCli(input: Buffer | string, args: readonly string[] = []): Buffer {
  return execFileSync('zstd', ['-q', '-c', ...args], { input });
}

/** Lowercase hex HMAC-SHA256 of `data` with `key`, computed by `openssl dgst`. */
export function opensslHmacSha256Hex(key: string, data: Buffer): string {
  const out = execFileSync('openssl', ['dgst', '-sha256', '-hmac', key, '-r'], { input: data }).toString('utf8');
  const hex = out.split(' ', 1)[0]?.trim() ?? '';
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`unexpected openssl output: ${out}`);
  return hex;
}
