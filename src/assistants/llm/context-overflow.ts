import { providerErrorOf } from './provider-error.ts';

/**
 * Whether a refusal says the request is longer than the model's context. The history is counted in messages, not
 * tokens: a talkative session can pass a small model's context, and every turn after would fail the same way until the
 * session ends. OpenAI and Groq give the code `context_length_exceeded`, llama.cpp's server the type
 * `exceed_context_size_error`; vLLM, Mistral and others say it only in words ("maximum context length", "context
 * window", "prompt is too long").
 */
export function isContextOverflow(failure: { status?: number; errorBody?: string }): boolean {
  if (failure.status !== 400 && failure.status !== 413) return false;
  const error = providerErrorOf(failure.errorBody);
  if (error === undefined) return false;
  if (error.code === 'context_length_exceeded' || error.type === 'exceed_context_size_error') return true;
  return /context (length|size|window)|prompt is too long/i.test(error.message ?? '');
}
