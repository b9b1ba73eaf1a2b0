import { describe, expect, it } from 'vitest';
import { withProviderMessage } from './provider-error.ts';

const API_KEY = 'gsk_live_0123456789abcdef';
const failure = (message: string) => ({ reason: 'HTTP 401', errorBody: JSON.stringify({ error: { message } }) });

describe('withProviderMessage', () => {
  it("adds the provider's error message to the reason", () => {
    expect(withProviderMessage(failure('The model `gpt-5-mini` does not exist'), API_KEY)).toBe(
      'HTTP 401: The model `gpt-5-mini` does not exist',
    );
  });

  it('takes the key out before cutting a long message, so no piece of it is left', () => {
    const reason = withProviderMessage(failure(`${'x'.repeat(290)}${API_KEY} is not a valid key.`), API_KEY);
    expect(reason).toBe(`HTTP 401: ${'x'.repeat(290)}[redacted]`);
  });

  it('takes out keys as providers echo them, whole or masked, also when they are not the configured one', () => {
    const said = [
      'Incorrect API key provided: sk-proj-abc1****************************wxyz.',
      'Invalid API Key gsk_9f8e7d6c5b4a, xai-0011aabb and AIzaSyA1b2C3d4E5f6',
      'header Authorization: Bearer eyJhbGciOi.payload.sig was refused; key ending in ********3f9a',
    ];
    const reasons = said.map((message) => withProviderMessage(failure(message), API_KEY));
    expect(reasons).toEqual([
      'HTTP 401: Incorrect API key provided: sk-[redacted].',
      'HTTP 401: Invalid API Key gsk_[redacted], xai-[redacted] and AIza[redacted]',
      'HTTP 401: header Authorization: Bearer [redacted] was refused; key ending in [redacted]',
    ]);
  });

  it('reads an error given at the top level of the body, as older vLLM and TensorRT-LLM send it', () => {
    const errorBody = JSON.stringify({
      object: 'error',
      message: "This model's maximum context length is 4096 tokens.",
      type: 'BadRequestError',
      param: null,
      code: 400,
    });
    expect(withProviderMessage({ reason: 'HTTP 400', errorBody }, API_KEY)).toBe(
      "HTTP 400: This model's maximum context length is 4096 tokens.",
    );
  });

  it('keeps the reason alone when the body is not an OpenAI-style error', () => {
    expect(withProviderMessage({ reason: 'HTTP 500', errorBody: '<html>oops</html>' }, API_KEY)).toBe('HTTP 500');
    expect(withProviderMessage({ reason: 'HTTP 500' }, API_KEY)).toBe('HTTP 500');
  });
});
