import { describe, expect, it } from 'vitest';
import { pageSettingsSchema } from './page-settings.ts';

describe('page settings', () => {
  it('take a greeting of 160 characters with emoji, counted as Messenger counts them, and refuse 161', () => {
    const greeting = `${'👋'.repeat(80)}${'a'.repeat(80)}`; // 240 UTF-16 units, 160 characters
    expect(pageSettingsSchema.parse({ greeting }).greeting).toBe(greeting);
    const tooLong = pageSettingsSchema.safeParse({ greeting: `${greeting}!` });
    expect(tooLong.error?.issues).toEqual([
      expect.objectContaining({
        path: ['greeting'],
        message: 'has 161 characters; Messenger allows at most 160 (an emoji counts as one)',
      }),
    ]);
  });
});
