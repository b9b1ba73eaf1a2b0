import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Assistant } from '../assistants/assistant.ts';
import type { PageEntry } from '../server/page-directory.ts';
import { createPageAssistants } from './page-assistants.ts';

/** A page whose assistant is the bot at `url`: what a page entry holds, as far as making its assistant goes. */
const page = (id: string, url: string) => ({ id, assistant: { type: 'http', url } }) as unknown as PageEntry;
/** An assistant that says which configuration it was made from. */
const assistantOf = (url: string) => ({ made: url }) as unknown as Assistant;
const madeFrom = (assistant: Assistant | undefined) => (assistant as unknown as { made: string } | undefined)?.made;

describe('page assistants', () => {
  it('makes them again in the order the pages changed, however long each takes', async () => {
    let pages = [page('p', 'https://bot.example/v1')];
    const slowMs: Record<string, number> = { 'https://bot.example/v2': 200 };
    const assistants = await createPageAssistants({
      pages: () => pages,
      make: async (p) => {
        const url = (p.assistant as { url: string }).url;
        await new Promise((resolve) => setTimeout(resolve, slowMs[url] ?? 0));
        return assistantOf(url);
      },
      logger: pino({ level: 'silent' }),
    });
    expect(madeFrom(assistants.of('p'))).toBe('https://bot.example/v1');
    // Changed twice in a row: the second, quick to make, must not be overwritten by the first, slow one.
    pages = [page('p', 'https://bot.example/v2')];
    assistants.pagesChanged();
    pages = [page('p', 'https://bot.example/v3')];
    assistants.pagesChanged();
    await assistants.ready();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(madeFrom(assistants.of('p'))).toBe('https://bot.example/v3');
  });

  it('gives the other pages their assistants when one cannot be made after a change, and stops a start that fails', async () => {
    const broken = 'https://bot.example/broken';
    const make = async (p: PageEntry) => {
      const url = (p.assistant as { url: string }).url;
      if (url === broken) throw new Error('cannot read the flow');
      return assistantOf(url);
    };
    const logged: unknown[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    let pages = [page('a', 'https://bot.example/a')];
    const assistants = await createPageAssistants({ pages: () => pages, make, logger });
    pages = [page('b', broken), page('c', 'https://bot.example/c')];
    assistants.pagesChanged();
    await assistants.ready();
    expect(assistants.of('b')).toBeUndefined();
    expect(madeFrom(assistants.of('c'))).toBe('https://bot.example/c');
    expect(logged).toMatchObject([{ pageId: 'b', msg: 'could not make the assistant of a page' }]);

    await expect(createPageAssistants({ pages: () => [page('b', broken)], make, logger })).rejects.toThrow(
      'cannot read the flow',
    );
  });
});
