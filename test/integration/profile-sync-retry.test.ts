import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../support/databases.ts';
import { type Harness, PAGE_ID, startHarness } from '../support/gateway-harness.ts';

for (const database of DATABASES) {
  describe(`a Messenger profile sync Graph refused for now, on ${database}`, () => {
    let h: Harness;

    beforeAll(async () => {
      h = await startHarness({
        database,
        // Graph is busy for the first profile call the gateway makes at start-up.
        beforeStart: (fb) => fb.setFaults({ next: { count: 1, code: 2, path_contains: 'messenger_profile' } }),
        tuning: { pageRetryMs: 50 },
      });
    });
    afterAll(async () => {
      await h?.close();
    });

    /** The page's greeting once it is `text`, or as it is after 5 s. */
    const greetingOnceIs = async (text: string) => {
      let greeting: { text: string }[] | undefined;
      for (let waited = 0; waited < 5000 && greeting?.[0]?.text !== text; waited += 50) {
        greeting = (await h.fb.pageProfile(PAGE_ID)).greeting as typeof greeting;
        if (greeting?.[0]?.text !== text) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return greeting;
    };

    /** What the Pages tab shows of the last sync. */
    const shown = async () =>
      (await h.api('GET', '/api/pages')).body.data.find((p: { id: string }) => p.id === PAGE_ID)?.profile_sync_status;

    it('is tried again at start-up, and then applies the profile', async () => {
      const calls = await h.fb.graphCalls({ path_contains: 'messenger_profile' });
      expect(calls[0]?.status).toBe(500);
      expect(await greetingOnceIs('Hi {{user_first_name}}!')).toEqual([
        { locale: 'default', text: 'Hi {{user_first_name}}!' },
      ]);
      await expect.poll(shown, { timeout: 5000, interval: 50 }).toMatchObject({ status: 'ok', retrying: false });
    });

    it('is tried again after a settings change, whose answer says it failed', async () => {
      await h.fb.setFaults({ next: { count: 1, code: 2, path_contains: 'messenger_profile' } });
      const changed = await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { greeting: 'Welcome back!' });
      expect(changed.body).toMatchObject({ data: { greeting: 'Welcome back!' }, profile_sync: 'failed' });
      expect(await shown()).toMatchObject({ status: 'failed', retrying: true, detail: expect.any(String) });
      expect(await greetingOnceIs('Welcome back!')).toEqual([{ locale: 'default', text: 'Welcome back!' }]);
    });
  });
}
