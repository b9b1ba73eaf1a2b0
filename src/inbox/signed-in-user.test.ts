import { describe, expect, it } from 'vitest';
import { createSignedInUser, type SignedInUser, type SignedInUserApi } from './web/signed-in-user.js';

type Answer = (result: Awaited<ReturnType<SignedInUserApi['me']>>) => void;

/** A gateway whose answers of `GET /api/me` the test gives, in the order it likes. */
function scriptedGateway() {
  const reads: Answer[] = [];
  const api: SignedInUserApi = { me: () => new Promise((resolve) => reads.push(resolve)) };
  /** Answers the read still waiting at `at`: the oldest unless told. */
  const settle = (result: Parameters<Answer>[0], at = 0) => reads.splice(at, 1)[0]?.(result);
  return {
    api,
    answer: (user: SignedInUser, at?: number) => settle({ ok: true, value: user }, at),
    fail: (at?: number) => settle({ ok: false, error: { status: 503, message: 'restarting' } }, at),
  };
}

const agent = { id: 'u2', role: 'agent' };
const admin = { id: 'u2', role: 'admin' };

describe('the signed-in user', () => {
  it('keeps a role just read over a poll started before it and answered after it', async () => {
    const gateway = scriptedGateway();
    const user = createSignedInUser({ api: gateway.api, me: agent });
    // A poll is under way as an admin makes them an admin; the reconnect's read after it is answered first.
    const poll = user.refresh();
    const reconnect = user.refresh();
    gateway.answer(admin, 1);
    expect(await reconnect).toBe(true);
    gateway.answer(agent);
    const applied = await poll;
    expect(user.current()).toEqual(admin);
    expect(applied).toBe(false);
  });

  it('applies an older answer when the newer read failed', async () => {
    const gateway = scriptedGateway();
    const user = createSignedInUser({ api: gateway.api, me: agent });
    const poll = user.refresh();
    const reconnect = user.refresh();
    gateway.fail(1);
    expect(await reconnect).toBe(false);
    gateway.answer(admin);
    expect(await poll).toBe(true);
    expect(user.current()).toEqual(admin);
  });

  it('keeps the user read at sign-in while every read fails', async () => {
    const gateway = scriptedGateway();
    const user = createSignedInUser({ api: gateway.api, me: agent });
    const poll = user.refresh();
    gateway.fail();
    expect(await poll).toBe(false);
    expect(user.current()).toEqual(agent);
  });
});
