import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Messenger's attachment ids expire after 90 days; past this age one is no longer used, and the media goes by URL
 * again (which gives a fresh id). The margin covers clocks apart and messages queued a while.
 */
export const ATTACHMENT_ID_MAX_AGE_MS = 80 * 24 * 60 * 60_000;

/**
 * How many ids are kept in memory, the most recently used: an assistant that sends a new URL each time (a QR code, a
 * signed link) would otherwise fill the processing thread's heap with ids never used again, and reload them all at
 * each start. A URL past them goes by URL again, which gives a fresh id.
 */
export const ATTACHMENT_IDS_KEPT = 10_000;

/**
 * What a media URL is stored and kept by: its SHA-256, in hex. A URL can be longer than PostgreSQL lets an index row be
 * (2,704 bytes; a signed CDN link can be 5 KB), and the ids kept in memory would hold every such URL whole.
 */
export function urlDigest(url: string): string {
  return createHash('sha256').update(url).digest('hex');
}

/**
 * Attachment ids Messenger gave for media URLs a page sent before (`is_reusable`), so the same URL is not
 * uploaded again. Read synchronously by the renderer; written through to the database.
 */
export async function createAttachmentCache(
  db: Kysely<Database>,
  now: () => number,
  kept: number = ATTACHMENT_IDS_KEPT,
) {
  /** In the order they were last used, the least recent first; by page and URL digest. */
  const ids = new Map<string, { id: string; savedAt: number }>();
  const key = (pageId: string, digest: string) => `${pageId} ${digest}`;
  const keep = (k: string, saved: { id: string; savedAt: number }) => {
    ids.delete(k);
    ids.set(k, saved);
    for (const oldest of ids.keys()) {
      if (ids.size <= kept) break;
      ids.delete(oldest);
    }
  };
  // Ids too old to use are not loaded, and are forgotten when met: the purge deletes their rows (retention.ts).
  const rows = await db
    .selectFrom('attachment_cache')
    .selectAll()
    .where('created_at', '>=', now() - ATTACHMENT_ID_MAX_AGE_MS)
    .orderBy('created_at', 'desc')
    .limit(kept)
    .execute();
  for (const row of rows.reverse()) {
    keep(key(row.page_id, row.url_sha256), { id: row.attachment_id, savedAt: row.created_at });
  }
  return {
    get(pageId: string, url: string): string | undefined {
      const k = key(pageId, urlDigest(url));
      const saved = ids.get(k);
      if (!saved) return undefined;
      if (now() - saved.savedAt >= ATTACHMENT_ID_MAX_AGE_MS) {
        ids.delete(k);
        return undefined;
      }
      keep(k, saved);
      return saved.id;
    },
    async remember(pageId: string, url: string, attachmentId: string, savedAt: number) {
      const digest = urlDigest(url);
      keep(key(pageId, digest), { id: attachmentId, savedAt });
      await db
        .insertInto('attachment_cache')
        .values({ page_id: pageId, url_sha256: digest, attachment_id: attachmentId, created_at: savedAt })
        .onConflict((oc) =>
          oc.columns(['page_id', 'url_sha256']).doUpdateSet({ attachment_id: attachmentId, created_at: savedAt }),
        )
        .execute();
    },
    /** Graph refused the id: the URL goes as media again, and gets a fresh id. */
    async forget(pageId: string, url: string) {
      const digest = urlDigest(url);
      ids.delete(key(pageId, digest));
      await db.deleteFrom('attachment_cache').where('page_id', '=', pageId).where('url_sha256', '=', digest).execute();
    },
  };
}

export type AttachmentCache = Awaited<ReturnType<typeof createAttachmentCache>>;
