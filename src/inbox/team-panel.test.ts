import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeElement, installFakeDom } from '../../test/support/fake-dom.ts';
import { createTeamPanel, type TeamMember, type TeamPanelApi } from './web/team-panel.js';

type Answer = (result: Awaited<ReturnType<TeamPanelApi['users']>>) => void;

/** A gateway whose answers of the team the test gives, in the order it likes; a rename is answered at once. */
function scriptedGateway() {
  const reads: Answer[] = [];
  const api: TeamPanelApi = {
    users: () => new Promise((resolve) => reads.push(resolve)),
    updateUser: async () => ({ ok: true as const, value: {} }),
  };
  /** Answers the read of the team still waiting at `at`: the oldest unless told. */
  const settle = async (result: Parameters<Answer>[0], at: number) => {
    reads.splice(at, 1)[0]?.(result);
    await flush();
  };
  return {
    api,
    answer: (users: TeamMember[], at = 0) => settle({ ok: true, value: users }, at),
    fail: (at = 0) => settle({ ok: false, error: { status: 503, message: 'restarting' } }, at),
    waiting: () => reads.length,
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const admin = { id: 'u1', email: 'sam@example.com', name: 'Sam', role: 'admin', created_at: 1 };
const bea = { id: 'u2', email: 'bea@example.com', name: 'Bea Renamed', role: 'agent', created_at: 2 };

describe('the Team view', () => {
  let uninstall: () => void;
  beforeAll(() => {
    uninstall = installFakeDom();
  });
  afterAll(() => uninstall());

  /** The panel as the signed-in admin sees it, its first read of the team answered; `shown`: the notices it gave. */
  async function opened() {
    const gateway = scriptedGateway();
    const given: TeamMember[][] = [];
    const shown: string[] = [];
    const panel = createTeamPanel({
      api: gateway.api,
      notices: { show: (notice) => shown.push(notice.text), clear: () => {} },
      me: () => admin,
      onUsers: (users) => given.push(users),
      changeOwnPassword: async () => ({ ok: true as const, value: {} }),
    });
    const first = panel.refresh();
    await gateway.answer([admin, bea]);
    expect(await first).toBe(true);
    const element = panel.element as unknown as FakeElement;
    /** The names the members' items show (`.page__name`, first in their head). */
    const names = () =>
      element.querySelectorAll('[data-testid="team-member"]').map((li) => li.children[0]?.children[0]?.textContent);
    return { gateway, panel, element, given, shown, names };
  }

  it('keeps a name just changed over a poll of the team started before the rename and answered after it', async () => {
    const { gateway, panel, element, given, names } = await opened();
    const poll = panel.refresh({ quiet: true });
    await flush();
    // Bea is renamed while the poll is under way; the team read after the rename is answered first.
    const member = element.querySelectorAll('[data-testid="team-member"]').find((li) => li.dataset.email === bea.email);
    member?.querySelector('[data-testid="member-rename"]')?.click();
    const input = member?.querySelector('[data-testid="member-name"]');
    if (!input?.parent) return expect.fail('no rename form');
    input.value = 'Bea Lopes';
    for (const submit of input.parent.listeners.get('submit') ?? []) submit({ preventDefault() {} });
    await flush();
    expect(gateway.waiting()).toBe(2);
    const renamed = { ...bea, name: 'Bea Lopes' };
    await gateway.answer([admin, renamed], 1);
    await gateway.answer([admin, bea]);
    expect(await poll).toBe(true);
    expect(given).toEqual([
      [admin, bea],
      [admin, renamed],
    ]);
    expect(names()).toEqual(['Sam', 'Bea Lopes']);
  });

  it("says nothing of a poll's failure, which the pages polled with the team say, but says the view's own", async () => {
    const { gateway, panel, shown } = await opened();
    const poll = panel.refresh({ quiet: true });
    await gateway.fail();
    expect(await poll).toBe(false);
    expect(shown).toEqual([]);
    const opening = panel.refresh();
    await gateway.fail();
    expect(await opening).toBe(false);
    expect(shown).toEqual(['Could not load the team. The gateway is restarting. Retry in a moment.']);
  });
});
