import { WebhookError } from '../errors/webhook-error.js';

/**
 * The longest event type or delivery key accepted. Real ones are under 80 characters (Vital's longest
 * event type, Svix message ids, `thryve:sha256:<64 hex>`); the bound keeps a label cheap to check,
 * index and log.
 */
export const MAX_LABEL_LENGTH = 256;

/**
 * Refuses, with 400 `invalid_label`, an event type or delivery key that could not be stored and shown
 * exactly as sent: more than {@link MAX_LABEL_LENGTH} characters, a control character (C0, DEL or C1:
 * SQLite's C API ends a text at NUL, so `sleep.created\u0000evil` was stored as `sleep.created`), or an
 * unpaired surrogate (a UTF-8 store writes U+FFFD instead). No provider sends such a label, so it is
 * refused rather than stored as something else (issue 10, D8). At most `MAX_LABEL_LENGTH` characters
 * are looked at.
 *
 * @param what how the message names the label, e.g. `'event type'`.
 */
export function checkStoredLabel(label: string, what: string): void {
  const problem = labelProblem(label);
  if (problem !== undefined) {
    // The label itself is not echoed: it is the part of the payload that was found unfit to show.
    throw new WebhookError('invalid_label', `The ${what} ${problem}, so it cannot be stored and shown as it was sent.`);
  }
}

function labelProblem(label: string): string | undefined {
  if (label.length > MAX_LABEL_LENGTH) return `is longer than ${MAX_LABEL_LENGTH} characters`;
  for (let i = 0; i < label.length; i++) {
    const code = label.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return 'contains a control character';
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = label.charCodeAt(i + 1);
      if (code >= 0xdc00 || !(next >= 0xdc00 && next <= 0xdfff)) return 'contains an unpaired surrogate';
      i++;
    }
  }
  return undefined;
}
