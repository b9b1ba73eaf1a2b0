import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeElement, installFakeDom } from '../../test/support/fake-dom.ts';
import type { Api } from './web/api.js';
import type { createThread as CreateThread } from './web/thread.js';

type Answer = (value: unknown) => void;

/** A gateway whose answers the test gives, one request at a time, in the order it likes. */
function scriptedGateway() {
  const waiting: { call: string; answer: Answer }[] = [];
  const call =
    (name: string) =>
    (..._args: unknown[]) =>
      new Promise((resolve) => waiting.push({ call: name, answer: (value) => resolve({ ok: true, value }) }));
  const api = {
    messages: call('messages'),
    setRouting: call('setRouting'),
    markRead: async () => ({ ok: true, value: {} }),
  } as unknown as Api;
  return {
    api,
    /** Answers the oldest request of `name` still waiting. */
    answer: async (name: string, value: unknown) => {
      const at = waiting.findIndex((request) => request.call === name);
      expect(at).toBeGreaterThanOrEqual(0);
      waiting.splice(at, 1)[0]?.answer(value);
      for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
    },
    waiting: (name: string) => waiting.filter((request) => request.call === name).length,
  };
}

const conversation = {
  id: 'c1',
  page_id: 'p1',
  first_name: 'Ada',
  routing: 'bot',
  paused_until: null,
  thread_elsewhere_since: null,
  assignee_id: null,
  assignee_name: null,
};

describe('a thread in the inbox', () => {
  let createThread: typeof CreateThread;
  let uninstall: () => void;
  beforeAll(async () => {
    // Installed first: thread.js reads `matchMedia` as it loads.
    uninstall = installFakeDom();
    ({ createThread } = await import('./web/thread.js'));
  });
  afterAll(() => uninstall());

  it("loads again after an action: a load answered while it was under way may be newer than the action's answer", async () => {
    const gateway = scriptedGateway();
    const thread = createThread({
      api: gateway.api,
      id: 'c1',
      notices: { show: (notice) => expect.fail(notice.text), clear: () => {} },
      pageName: () => 'Page',
      pageHealth: () => undefined,
      backHref: '#/',
      onChanged: () => {},
      drafts: new Map(),
      team: () => [{ id: 'u2', name: 'Bob' }],
      me: { id: 'u1', role: 'agent' },
    });
    void thread.start();
    await gateway.answer('messages', { conversation: { ...conversation }, messages: [] });
    const header = thread.element as unknown as FakeElement;
    header.querySelector('[data-testid="take-over"]')?.click();
    // The stream tells of a change while the take-over is under way: Bob was assigned, after it. Loaded, it shows.
    void thread.refresh();
    // Each answer its own object, as each parsed from JSON.
    const takenAndAssigned = () => ({ ...conversation, routing: 'human', assignee_id: 'u2', assignee_name: 'Bob' });
    await gateway.answer('messages', { conversation: takenAndAssigned(), messages: [] });
    // The take-over's answer, made before Bob was assigned, comes last.
    await gateway.answer('setRouting', { ...conversation, routing: 'human' });
    expect(gateway.waiting('messages')).toBe(1);
    await gateway.answer('messages', { conversation: takenAndAssigned(), messages: [] });
    expect(header.querySelector('[data-testid="assignee"]')?.value).toBe('u2');
    thread.close();
  });
});
