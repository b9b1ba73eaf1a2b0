import pino from 'pino';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../../src/storage/secret-box.ts';
import { createSwitchboard, type Switchboard } from '../../src/switchboard.ts';
import { ADMIN, type Harness, PAGE_ID, startHarness } from '../support/gateway-harness.ts';

/** Two gateway processes on one PostgreSQL database, as a larger deployment runs them. */
describe('gateways sharing a PostgreSQL database', () => {
  let h: Harness;
  let other: Switchboard;
  let otherUrl: string;

  beforeAll(async () => {
    h = await startHarness({ database: 'postgres' });
    other = await createSwitchboard({
      config: h.config,
      secretBox: createSecretBox([h.secretKey]),
      logger: pino({ level: 'silent' }),
      tuning: { pagePollMs: 50 },
    });
    otherUrl = await other.listen();
  });
  afterAll(async () => {
    await other?.close();
    await h?.close();
  });

  it('apply a page settings change made through one of them in the others', async () => {
    const changed = await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { auto_replies: false });
    expect(changed.status).toBe(200);
    const authorization = `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}`;
    const settingsSeenByOther = async () => {
      const response = await request(`${otherUrl}/api/pages`, { headers: { authorization } });
      const { data } = (await response.body.json()) as { data: { id: string; settings: { auto_replies: boolean } }[] };
      return data.find((p) => p.id === PAGE_ID)?.settings.auto_replies;
    };
    await expect.poll(settingsSeenByOther, { timeout: 3_000, interval: 50 }).toBe(false);
  });
});
