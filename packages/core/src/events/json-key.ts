/**
 * Record keys are JSON arrays of their identity parts (`["apple_health_kit","watch",null,1714550400000]`),
 * so no part can run into its neighbour. `JSON.stringify` of a small array costs far more than the
 * text it writes (a builtin call per part, and a slow path for numbers beyond 2^31, which every
 * epoch-millisecond timestamp is); a key is built per record, so these write the same text directly.
 * Anything but a plain string, number, boolean, null or undefined goes to `JSON.stringify`.
 */

/** `JSON.stringify(parts)`, the same text, for the parts of a record key. */
export function jsonArrayKey(parts: readonly unknown[]): string {
  let text = '[';
  for (let i = 0; i < parts.length; i++) text += (i === 0 ? '' : ',') + jsonKeyPart(parts[i]);
  return `${text}]`;
}

/** One element of a JSON array as `JSON.stringify` writes it (so `undefined` is `null`). */
export function jsonKeyPart(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      return jsonNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'null';
    default:
      return value === null ? 'null' : (JSON.stringify(value) ?? 'null');
  }
}

function jsonString(value: string): string {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // Quotes, backslashes, control characters and surrogates are escaped (or checked) by JSON.stringify.
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return JSON.stringify(value);
  }
  return `"${value}"`;
}

function jsonNumber(value: number): string {
  if (!Number.isSafeInteger(value) || (value < 1e9 && value > -1e9)) return Number.isFinite(value) ? String(value) : 'null';
  // Large integers (epoch milliseconds): two small ones convert much faster than one large.
  const magnitude = Math.abs(value);
  const high = Math.floor(magnitude / 1e6);
  const low = String(magnitude - high * 1e6);
  return `${value < 0 ? '-' : ''}${high}${'000000'.slice(low.length)}${low}`;
}
