import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { AssistantConfig } from '../config/assistant-config.ts';
import type { Assistant } from './assistant.ts';
import { loadFlowAssistant } from './flow/index.ts';
import { createHttpAssistant } from './http/http-assistant.ts';
import { createLlmAssistant } from './llm/llm-assistant.ts';

/** A bundled shop-support sample, wherever the process was started from. */
export const sampleAssistantPath = (language: 'en' | 'fr') =>
  fileURLToPath(new URL(`../../assistants/shop-support.${language}.yaml`, import.meta.url));

/** The assistant a page gets when it names none: the bundled English shop-support sample. */
export const SAMPLE_ASSISTANT_PATH = sampleAssistantPath('en');

/** Builds the assistant of a page from its configuration. Throws with a clear message for a bad flow file. */
export async function createAssistant(
  config: AssistantConfig | null,
  options: { fallbackText: () => string; env: Record<string, string | undefined>; logger: Logger },
): Promise<Assistant> {
  const c = config ?? { type: 'flow', path: SAMPLE_ASSISTANT_PATH };
  switch (c.type) {
    case 'flow':
      return loadFlowAssistant(c.path);
    case 'http':
      return createHttpAssistant({
        url: c.url,
        timeoutMs: c.timeout_ms,
        retries: c.retries,
        secret: c.secret,
        fallbackText: options.fallbackText,
        logger: options.logger,
      });
    case 'llm':
      return createLlmAssistant({
        baseUrl: c.base_url,
        model: c.model,
        apiKey: c.api_key_env ? options.env[c.api_key_env] : undefined,
        instructions: c.instructions,
        maxHistory: c.max_history,
        timeoutMs: c.timeout_ms,
        temperature: c.temperature,
        maxTokens: c.max_tokens,
        fallbackText: options.fallbackText,
        logger: options.logger,
      });
  }
}
