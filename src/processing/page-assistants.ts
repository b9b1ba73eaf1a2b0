import type { Logger } from 'pino';
import type { Assistant } from '../assistants/assistant.ts';
import type { PageEntry } from '../server/page-directory.ts';

export interface PageAssistantsOptions {
  /** The pages as loaded now. */
  pages: () => PageEntry[];
  /** Makes a page's assistant from its configuration (a flow read and trained, a bot's client). */
  make: (page: PageEntry) => Promise<Assistant>;
  logger: Logger;
}

/**
 * Each page's assistant, made again when its configuration changes. Refreshes run one after the other: a slow one (a
 * flow being trained) must not finish after a newer one and put back an assistant of the configuration before.
 */
export async function createPageAssistants(options: PageAssistantsOptions) {
  const made = new Map<string, { config: string; assistant: Assistant }>();

  /** `tolerant`: a page whose assistant cannot be made is logged and left without one; the other pages get theirs. */
  async function refresh(tolerant: boolean) {
    for (const page of options.pages()) {
      const config = JSON.stringify(page.assistant ?? null);
      if (made.get(page.id)?.config === config) continue;
      try {
        made.set(page.id, { config, assistant: await options.make(page) });
      } catch (err) {
        if (!tolerant) throw err;
        // Its events are tried again, and go to the dead letters if no change makes it in time.
        options.logger.error({ err, pageId: page.id }, 'could not make the assistant of a page');
      }
    }
  }

  // At start, a page whose assistant cannot be made stops the start: the configuration has to be fixed.
  let refreshed = refresh(false);
  await refreshed;
  return {
    /** The page's assistant; undefined until it is made (a page another process added a moment ago). */
    of: (pageId: string) => made.get(pageId)?.assistant,
    /** The pages changed: their assistants are made again after any refresh under way. */
    pagesChanged() {
      refreshed = refreshed.then(() => refresh(true));
    },
    /** Settles once the assistants of the pages last changed are made (or could not be). */
    ready: () => refreshed,
  };
}
