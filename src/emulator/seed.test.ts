import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSeed, normalizeSeed, parseSeed } from './seed.ts';

describe('emulator seed', () => {
  it('generates numeric ids and page tokens when they are absent', () => {
    const result = normalizeSeed({
      apps: [{ name: 'Bot', secret: 's' }],
      pages: [{ name: 'Shop' }],
      people: [{ first_name: 'Lena' }],
    });
    if (!result.ok) throw new Error(result.reason);
    const { apps, pages, people } = result.seed;
    expect(apps[0]?.id).toMatch(/^1\d{15}$/);
    expect(Number.isSafeInteger(Number(apps[0]?.id))).toBe(true);
    expect(pages[0]).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      app_id: apps[0]?.id,
      access_token: expect.stringMatching(/^EAA/),
    });
    expect(people[0]).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      last_name: '',
      locale: 'en_US',
      timezone: 0,
    });
  });

  it('draws a PSID for every person on every page, none equal to another', () => {
    const result = normalizeSeed({
      apps: [{ name: 'Bot', secret: 's' }],
      pages: [
        { id: '1', name: 'A' },
        { id: '2', name: 'B' },
      ],
      people: [{ first_name: 'Lena', psids: { '1': '6021938475610234' } }, { first_name: 'Marc' }],
    });
    if (!result.ok) throw new Error(result.reason);
    const [lena, marc] = result.seed.people;
    expect(lena?.psids).toEqual({ '1': '6021938475610234', '2': expect.stringMatching(/^\d{16}$/) });
    expect(Object.keys(marc?.psids ?? {})).toEqual(['1', '2']);
    const all = result.seed.people.flatMap((person) => Object.values(person.psids));
    expect(new Set(all).size).toBe(4);
  });

  it('refuses a PSID given twice', () => {
    const result = normalizeSeed({
      apps: [{ name: 'Bot', secret: 's' }],
      pages: [{ id: '1', name: 'A' }],
      people: [
        { first_name: 'Lena', psids: { '1': '6021938475610234' } },
        { first_name: 'Marc', psids: { '1': '6021938475610234' } },
      ],
    });
    expect(result.ok ? '' : result.reason).toMatch(/Marc.*6021938475610234 is taken/);
  });

  it('keeps unquoted 16-digit YAML ids exact', () => {
    const result = parseSeed(`
apps:
  - id: 1517776481860111
    name: Bot
    secret: s
pages:
  - id: 104857392018475
    name: Shop
people:
  - first_name: Lena
    psids: { 104857392018475: 6021938475610234 }
`);
    if (!result.ok) throw new Error(result.reason);
    expect(result.seed.apps[0]?.id).toBe('1517776481860111');
    expect(result.seed.people[0]?.psids).toEqual({ '104857392018475': '6021938475610234' });
  });

  it('explains what is wrong: a missing secret, an unknown app, a non-numeric id', () => {
    const noSecret = normalizeSeed({ apps: [{ name: 'Bot' }] });
    expect(noSecret.ok ? '' : noSecret.reason).toMatch(/secret/);
    const unknownApp = normalizeSeed({ apps: [{ name: 'Bot', secret: 's' }], pages: [{ name: 'Shop', app_id: '42' }] });
    expect(unknownApp.ok ? '' : unknownApp.reason).toMatch(/no app with id 42/);
    const badId = normalizeSeed({ apps: [{ id: 'abc', name: 'Bot', secret: 's' }] });
    expect(badId.ok ? '' : badId.reason).toMatch(/numeric/);
    const twoApps = normalizeSeed({
      apps: [
        { name: 'A', secret: 's' },
        { name: 'B', secret: 's' },
      ],
      pages: [{ name: 'Shop' }],
    });
    expect(twoApps.ok ? '' : twoApps.reason).toMatch(/app_id is required/);
  });

  it('refuses keys it does not know and entries given twice, rather than dropping or replacing them', () => {
    const problem = (input: unknown) => {
      const result = normalizeSeed(input);
      return result.ok ? undefined : result.reason;
    };
    expect(problem({ apps: [{ name: 'Bot', secret: 's', webhook: 'https://bot.example/hook' }] })).toMatch(/webhook/);
    expect(problem({ app: [{ name: 'Bot', secret: 's' }] })).toMatch(/app/);
    const twoApps = [
      { id: '111', name: 'A', secret: 's' },
      { id: '111', name: 'B', secret: 't' },
    ];
    expect(problem({ apps: twoApps })).toBe('two entries have the app id 111');
    const app = { id: '111', name: 'A', secret: 's' };
    expect(
      problem({
        apps: [app],
        pages: [
          { name: 'One', access_token: 'EAA-same' },
          { name: 'Two', access_token: 'EAA-same' },
        ],
      }),
    ).toBe('two pages have the same page access_token');
    expect(
      problem({
        apps: [app],
        pages: [
          { id: '5', name: 'One' },
          { id: '5', name: 'Two' },
        ],
      }),
    ).toBe('two entries have the page id 5');
  });

  it('gives accounts every page by default', () => {
    const result = normalizeSeed({
      apps: [{ name: 'Bot', secret: 's' }],
      pages: [
        { id: '1', name: 'A' },
        { id: '2', name: 'B' },
      ],
      accounts: [{ name: 'Admin' }],
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.seed.accounts[0]?.pages.map((entry) => entry.page_id)).toEqual(['1', '2']);
    expect(result.seed.accounts[0]?.pages[0]?.tasks).toContain('MESSAGING');
  });

  it('loads JSON files and rejects invalid ones with the path in the message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seed-'));
    const good = join(dir, 'seed.json');
    await writeFile(good, JSON.stringify({ apps: [{ id: '1517776481860111', name: 'Bot', secret: 's' }] }));
    expect((await loadSeed(good)).apps[0]?.id).toBe('1517776481860111');
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'apps: [{ name: Bot }]');
    await expect(loadSeed(bad)).rejects.toThrow(/bad\.yaml/);
  });
});
