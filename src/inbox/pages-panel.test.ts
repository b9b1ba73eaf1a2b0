import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFakeDom } from '../../test/support/fake-dom.ts';
import { createPagesPanel, type PagesPanelApi } from './web/pages-panel.js';

type Answer = (value: unknown) => void;

/** A gateway whose answers of the pages the test gives, in the order it likes. */
function scriptedGateway() {
  const pages: Answer[] = [];
  const api: PagesPanelApi = {
    apps: async () => ({ ok: true as const, value: [] }),
    pages: () => new Promise((resolve) => pages.push((value) => resolve({ ok: true as const, value: value as never }))),
  };
  return {
    api,
    /** Answers the request of the pages still waiting at `at`: the oldest unless told. */
    answer: async (value: unknown, at = 0) => {
      pages.splice(at, 1)[0]?.(value);
      await new Promise((resolve) => setImmediate(resolve));
    },
    waiting: () => pages.length,
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('the pages panel', () => {
  let uninstall: () => void;
  beforeAll(() => {
    uninstall = installFakeDom();
  });
  afterAll(() => uninstall());

  it("drops an earlier load's answer that comes after a later one's (a poll under way as a page's settings are saved)", async () => {
    const gateway = scriptedGateway();
    const given: unknown[] = [];
    const panel = createPagesPanel({
      api: gateway.api,
      notices: { show: (notice) => expect.fail(notice.text), clear: () => {} },
      onPages: (pages) => given.push(pages),
      isAdmin: true,
    });
    const before = [{ id: 'p1', settings: { away_message: 'Back at 9.' } }];
    const saved = [{ id: 'p1', settings: { away_message: 'Back at 8.' } }];
    const poll = panel.refresh();
    await flush();
    // The settings form saves, and the panel reads the pages again: that load is answered before the poll's.
    const afterSave = panel.refresh();
    await flush();
    expect(gateway.waiting()).toBe(2);
    await gateway.answer(saved, 1);
    await gateway.answer(before);
    expect(await Promise.all([poll, afterSave])).toEqual([true, true]);
    expect(given).toEqual([saved]);
  });
});
