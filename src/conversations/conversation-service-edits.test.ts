import type { Kysely } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { defaultPageSettings } from '../config/page-settings.ts';
import { createBatchedWrites } from '../storage/batched-writes.ts';
import { createConversationStore } from '../storage/conversation-store.ts';
import { insertInboundEvents } from '../storage/inbound-event-repository.ts';
import type { Database } from '../storage/schema.ts';
import { type ConversationServiceDeps, createConversationService, type StoredEvent } from './conversation-service.ts';
import type { InboundEvent } from './inbound-event.ts';
import type { PageRuntime } from './ports.ts';
import { createMemoryRateLimiter } from './rate-limiter.ts';

const PAGE = { id: 'page-1', app_id: 'app-1', settings: defaultPageSettings } as PageRuntime;
/** A page of another app. */
const OTHER = { id: 'page-2', app_id: 'app-2', settings: defaultPageSettings } as PageRuntime;
const MID = 'm_Ed01';

for (const kind of DATABASES) {
  describe(`conversation service on ${kind}: a person's edits`, () => {
    const open = useMigratedDatabase(kind);

    function editing(db: Kysely<Database>) {
      const service = createConversationService({
        store: createConversationStore(db, createBatchedWrites(db)),
        pages: (id: string) => [PAGE, OTHER].find((page) => page.id === id),
        assistantFor: () => ({ kind: 'flow', reply: async () => ({ responses: [] }) }),
        renderer: { render: () => [] },
        profiles: { fetchProfile: async () => ({ status: 'none' as const }) },
        rateLimiter: createMemoryRateLimiter(),
        clock: { now: Date.now },
        logger: pino({ level: 'silent' }),
      } as ConversationServiceDeps);
      const store = async (body: Record<string, unknown>, key: string, timestamp = Date.now()) => {
        const event = { page_id: PAGE.id, user_id: 'psid-1', key, timestamp, standby: false, ...body };
        const [stored] = await insertInboundEvents(db, [event as InboundEvent], Date.now());
        return stored as StoredEvent;
      };
      const message = (text: string, timestamp?: number) =>
        store({ kind: 'message', mid: MID, text, attachments: [] }, `m:${MID}`, timestamp).then((e) =>
          service.handle(e),
        );
      const edit = (text: string, num_edit: number) =>
        store({ kind: 'edit', mid: MID, text, num_edit }, `e:${MID}:${num_edit}`);
      const stored = async () => {
        const row = await db
          .selectFrom('messages')
          .select(['text', 'content', 'edited_at'])
          .where('external_id', '=', MID)
          .executeTakeFirstOrThrow();
        const { text, earlier_texts } = JSON.parse(row.content) as { text: string; earlier_texts?: string[] };
        return { text: row.text, content: { text, earlier_texts }, edited: row.edited_at !== null };
      };
      return { service, message, edit, stored, store };
    }

    it('keeps each earlier text once when an edit runs a second time (its commit’s answer was lost)', async () => {
      const { db } = await open();
      const { service, message, edit, stored } = editing(db);
      await message('Two mugs please');
      const first = await edit('Three mugs please', 1);
      await service.handle(first);
      // The commit went through but its answer was lost: the worker runs the event again.
      await service.handle(first).catch(() => {});
      expect(await stored()).toEqual({
        text: 'Three mugs please',
        content: { text: 'Three mugs please', earlier_texts: ['Two mugs please'] },
        edited: true,
      });
    });

    it('keeps the newest text when Facebook delivers an older edit after a newer one', async () => {
      const { db } = await open();
      const { service, message, edit, stored } = editing(db);
      await message('Two mugs please');
      const older = await edit('Three mugs please', 1);
      const newer = await edit('Four mugs please', 2);
      // The first delivery of the older one failed; Facebook sent it again after the newer one.
      await service.handle(newer);
      await service.handle(older);
      expect((await stored()).text).toBe('Four mugs please');
    });

    it('makes no conversation for an edit or a reaction to a message from before the gateway knew the person', async () => {
      const { db } = await open();
      const { service, edit, store } = editing(db);
      await service.handle(await edit('Three mugs please', 1));
      await service.handle(await store({ kind: 'reaction', mid: MID, action: 'react', emoji: '😮' }, `x:${MID}`));
      expect(await db.selectFrom('conversations').select('id').execute()).toEqual([]);
      const statuses = await db.selectFrom('inbound_events').select('status').execute();
      expect(statuses.map((e) => e.status)).toEqual(['ignored', 'ignored']);
    });

    it("changes no message of another page's, whatever message id an event of its page names", async () => {
      const { db } = await open();
      const { service, message, store, stored } = editing(db);
      await message('Two mugs please');
      const elsewhere = { page_id: OTHER.id, user_id: 'psid-9' };
      await service.handle(await store({ ...elsewhere, kind: 'edit', mid: MID, text: 'Ten mugs', num_edit: 1 }, 'e:1'));
      await service.handle(
        await store({ ...elsewhere, kind: 'reaction', mid: MID, action: 'react', emoji: '😮' }, 'x:1'),
      );
      expect(await stored()).toMatchObject({ text: 'Two mugs please', edited: false });
      const [row] = await db.selectFrom('messages').select('reaction').where('external_id', '=', MID).execute();
      expect(row?.reaction).toBeNull();
    });

    it('shows the edited text when the edits were handled before their message (a dead message replayed)', async () => {
      const { db } = await open();
      const { service, message, edit, stored } = editing(db);
      // The message's event went dead (its turn failed five times); the edits behind it in the lane ran meanwhile.
      await service.handle(await edit('Three mugs please', 1));
      await service.handle(await edit('Four mugs please', 2));
      await message('Two mugs please', Date.now() - 5 * 60_000); // Replayed from the dead letters, minutes later.
      expect(await stored()).toEqual({
        text: 'Four mugs please',
        content: { text: 'Four mugs please', earlier_texts: ['Two mugs please', 'Three mugs please'] },
        edited: true,
      });
    });
  });
}
