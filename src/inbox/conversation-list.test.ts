import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeElement, installFakeDom } from '../../test/support/fake-dom.ts';
import type { Api } from './web/api.js';
import type { createConversationList as CreateConversationList } from './web/conversation-list.js';

/** A gateway whose answers of the conversations the test gives, in the order it likes, with what each asked. */
function scriptedGateway() {
  const waiting: { filter: Record<string, unknown>; answer: (value: unknown) => void }[] = [];
  const api = {
    conversations: (filter: Record<string, unknown>) =>
      new Promise((resolve) => waiting.push({ filter, answer: (value) => resolve({ ok: true, value }) })),
  } as unknown as Api;
  return {
    api,
    waiting,
    /** Answers the request still waiting at `at`: the oldest unless told. */
    answer: async (value: unknown, at = 0) => {
      waiting.splice(at, 1)[0]?.answer(value);
      for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** A row of the list, the newest first by `at`. */
const row = (id: string, at: number, routing = 'bot') => ({ id, page_id: 'p1', last_message_at: at, routing });

describe('the conversation list', () => {
  let createConversationList: typeof CreateConversationList;
  let uninstall: () => void;
  beforeAll(async () => {
    uninstall = installFakeDom();
    ({ createConversationList } = await import('./web/conversation-list.js'));
  });
  afterAll(() => uninstall());

  /** The list of an agent, over `gateway`; a notice fails the test. */
  const listOn = (gateway: ReturnType<typeof scriptedGateway>) =>
    createConversationList({
      api: gateway.api,
      hrefFor: (id) => `#/c/${id}`,
      notices: { show: (notice) => expect.fail(notice.text), clear: () => {} },
      me: { id: 'u1', role: 'agent' },
    });

  it('reads the rows of a "load more" again when a load applied meanwhile may have known them newer', async () => {
    const gateway = scriptedGateway();
    const list = listOn(gateway);
    const newest = Array.from({ length: 50 }, (_, i) => row(`n${i}`, 1_000 - i));
    void list.start();
    await gateway.answer(newest);
    (list.element as unknown as FakeElement).querySelector('[data-testid="load-more"]')?.click();
    // The stream says `x`, on the page being loaded, was taken over; the load it brings is answered first.
    list.markChanged(['x']);
    void list.refresh();
    await gateway.answer(newest, 1);
    // The page, made before the take-over, comes last.
    await gateway.answer([row('x', 10)]);
    expect(gateway.waiting.map((request) => request.filter.ids)).toEqual([undefined]);
    await gateway.answer(newest);
    expect(gateway.waiting.map((request) => request.filter.ids)).toEqual(['x']);
    list.close();
  });

  it('loads again after a change made in the thread: a load answered while it was under way may be newer than it', async () => {
    const gateway = scriptedGateway();
    const list = listOn(gateway);
    void list.start();
    await gateway.answer([row('c1', 10)]);
    // Taken over in the thread; meanwhile the stream tells of Bob assigned, after it, and that load is answered first.
    void list.refresh();
    await gateway.answer([{ ...row('c1', 10, 'human'), assignee_id: 'u2' }]);
    // The take-over's answer, made before Bob was assigned, comes last.
    list.patch('c1', { routing: 'human', assignee_id: null });
    expect(gateway.waiting).toHaveLength(1);
    list.close();
  });
});
