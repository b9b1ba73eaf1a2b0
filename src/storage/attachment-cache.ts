import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Attachment ids Messenger gave for media URLs a page sent before (`is_reusable`), so the same URL is not
 * uploaded again. Read synchronously by the renderer; written through to the database.
 */
export async function createAttachmentCache(db: Kysely<Database>) {
  const ids = new Map<string, string>();
  const key = (pageId: string, url: string) => `${pageId} ${url}`;
  for (const row of await db.selectFrom('attachment_cache').selectAll().execute())
    ids.set(key(row.page_id, row.url), row.attachment_id);
  return {
    get: (pageId: string, url: string) => ids.get(key(pageId, url)),
    async remember(pageId: string, url: string, attachmentId: string, now: number) {
      ids.set(key(pageId, url), attachmentId);
      await db
        .insertInto('attachment_cache')
        .values({ page_id: pageId, url, attachment_id: attachmentId, created_at: now })
        .onConflict((oc) =>
          oc.columns(['page_id', 'url']).doUpdateSet({ attachment_id: attachmentId, created_at: now }),
        )
        .execute();
    },
  };
}

export type AttachmentCache = Awaited<ReturnType<typeof createAttachmentCache>>;
