import { describe, expect, it } from 'vitest';
import { DATABASES, useMigratedDatabase } from '../../test/support/databases.ts';
import { storePendingEvent } from '../../test/support/pending-event.ts';
import { createBatchedWrites } from '../storage/batched-writes.ts';
import { createConversationStore } from '../storage/conversation-store.ts';
import { reportChanges } from './change-reporting.ts';

for (const kind of DATABASES) {
  describe(`the changes processing reports on ${kind}`, () => {
    const open = useMigratedDatabase(kind);

    /** A clock whose sleeps end when the test says, and the conversation ids told. */
    async function setup() {
      const { db } = await open();
      const sleeps: { ms: number; end: () => void }[] = [];
      const timers = {
        now: () => 1_000,
        sleep: (ms: number, signal?: AbortSignal) =>
          new Promise<void>((resolve) => {
            sleeps.push({ ms, end: resolve });
            signal?.addEventListener('abort', () => resolve());
          }),
      };
      const told: string[] = [];
      const store = createConversationStore(db, createBatchedWrites(db));
      const reporting = reportChanges({ store, changed: (id) => told.push(id), timers });
      const { conversation } = await reporting.store.openConversation('page-1', 'psid-1', 1_000);
      return { db, sleeps, told, reporting, conversation };
    }

    it('tells a turn once written, and a pause when it runs out, which a newer pause replaces', async () => {
      const { db, sleeps, told, reporting, conversation } = await setup();
      const pause = async (until: number) =>
        reporting.store.commitTurn(
          {
            event_id: await storePendingEvent(db),
            event_status: 'done',
            conversation: { id: conversation.id, changes: { routing: 'paused', paused_until: until } },
          },
          1_000,
        );
      const settled = () => new Promise((resolve) => setTimeout(resolve, 10));
      await pause(61_000);
      expect(told).toEqual([conversation.id]);
      // A later pause (another Page Inbox reply): the first one's end is told no more.
      await pause(121_000);
      expect(sleeps.map((s) => s.ms)).toEqual([60_000, 120_000]);
      sleeps[0]?.end();
      await settled();
      expect(told).toHaveLength(2);
      sleeps[1]?.end();
      await settled();
      expect(told).toEqual([conversation.id, conversation.id, conversation.id]);
      // Stopped, a pause's end is told no more.
      await pause(181_000);
      reporting.stop();
      sleeps[2]?.end();
      await settled();
      expect(told).toHaveLength(4);
    });

    it('tells the pauses a previous process left when they end', async () => {
      const { db, sleeps, told, reporting, conversation } = await setup();
      await db
        .updateTable('conversations')
        .set({ routing: 'paused', paused_until: 31_000 })
        .where('id', '=', conversation.id)
        .execute();
      await reporting.resumePauses(db);
      expect(sleeps.map((s) => s.ms)).toEqual([30_000]);
      sleeps[0]?.end();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(told).toEqual([conversation.id]);
      reporting.stop();
    });
  });
}
