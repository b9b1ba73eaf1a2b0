import { describe, expect, it } from 'vitest';
import { assistantConfigSchema } from './assistant-config.ts';
import { pageSettingsSchema } from './page-settings.ts';

const errorsOf = (value: unknown) =>
  (assistantConfigSchema.safeParse(value).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('assistant configuration', () => {
  it('refuses a bot secret anyone could guess, and waits that would hold a person’s messages for minutes', () => {
    const bot = { type: 'http', url: 'https://bot.example.com/' };
    expect(errorsOf({ ...bot, secret: '' })).toEqual(['secret: use at least 16 random characters']);
    expect(errorsOf({ ...bot, secret: 'a'.repeat(16) })).toEqual([]);
    expect(errorsOf({ ...bot, timeout_ms: 600_000 }).join()).toMatch(/^timeout_ms: /);
    expect(
      errorsOf({ type: 'llm', base_url: 'https://api.example.com/v1', model: 'm', timeout_ms: 600_000 }).join(),
    ).toMatch(/^timeout_ms: /);
  });

  it('refuses a model history longer than a thousand messages, saying the bound', () => {
    const model = { type: 'llm', base_url: 'https://api.example.com/v1', model: 'm' };
    expect(errorsOf({ ...model, max_history: 1000 })).toEqual([]);
    expect(errorsOf({ ...model, max_history: 0 })).toEqual([]);
    expect(errorsOf({ ...model, max_history: 1001 })).toEqual([
      'max_history: use at most 1000 messages (the default is 20)',
    ]);
  });

  it('refuses an empty fallback text: a failed assistant would leave the person with nothing', () => {
    expect(pageSettingsSchema.safeParse({ fallback_text: '' }).success).toBe(false);
  });
});
