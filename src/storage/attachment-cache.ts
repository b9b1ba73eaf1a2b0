import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Messenger's attachment ids expire after 90 days; past this age one is no longer used, and the media goes by URL
 * again (which gives a fresh id). The margin covers clocks apart and messages queued a while.
 */
export const ATTACHMENT_ID_MAX_AGE_MS = 80 * 24 * 60 * 60_000;

/**
 * Attachment ids Messenger gave for media URLs a page sent before (`is_reusable`), so the same URL is not
 * uploaded again. Read synchronously by the renderer; written through to the database.
 */
export async function createAttachmentCache(db: Kysely<Database>, now: () => number) {
  const ids = new Map<string, { id: string; savedAt: number }>();
  const key = (pageId: string, url: string) => `${pageId} ${url}`;
  // Ids too old to use are not loaded, and are forgotten when met: the purge deletes their rows (retention.ts).
  const rows = await db
    .selectFrom('attachment_cache')
    .selectAll()
    .where('created_at', '>=', now() - ATTACHMENT_ID_MAX_AGE_MS)
    .execute();
  for (const row of rows) ids.set(key(row.page_id, row.url), { id: row.attachment_id, savedAt: row.created_at });
  return {
    get(pageId: string, url: string): string | undefined {
      const saved = ids.get(key(pageId, url));
      if (!saved || now() - saved.savedAt < ATTACHMENT_ID_MAX_AGE_MS) return saved?.id;
      ids.delete(key(pageId, url));
      return undefined;
    },
    async remember(pageId: string, url: string, attachmentId: string, savedAt: number) {
      ids.set(key(pageId, url), { id: attachmentId, savedAt });
      await db
        .insertInto('attachment_cache')
        .values({ page_id: pageId, url, attachment_id: attachmentId, created_at: savedAt })
        .onConflict((oc) =>
          oc.columns(['page_id', 'url']).doUpdateSet({ attachment_id: attachmentId, created_at: savedAt }),
        )
        .execute();
    },
    /** Graph refused the id: the URL goes as media again, and gets a fresh id. */
    async forget(pageId: string, url: string) {
      ids.delete(key(pageId, url));
      await db.deleteFrom('attachment_cache').where('page_id', '=', pageId).where('url', '=', url).execute();
    },
  };
}

export type AttachmentCache = Awaited<ReturnType<typeof createAttachmentCache>>;
