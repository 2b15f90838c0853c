import { describe, expect, it } from 'vitest';
import { WEBHOOK_ERROR_STATUS, WebhookError } from '../src/errors/webhook-error.js';
import { errorResponse } from '../src/http/error-response.js';

describe('WebhookError', () => {
  it('takes its status from the code table', () => {
    for (const [code, status] of Object.entries(WEBHOOK_ERROR_STATUS)) {
      const error = new WebhookError(code as keyof typeof WEBHOOK_ERROR_STATUS, 'x');
      expect(error.status).toBe(status);
    }
  });

  it('renders the JSON error body and Allow for 405', () => {
    const response = errorResponse(new WebhookError('method_not_allowed', 'Use POST.'));
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(JSON.parse(response.body ?? '')).toEqual({ error: { code: 'method_not_allowed', message: 'Use POST.' } });
  });
});
