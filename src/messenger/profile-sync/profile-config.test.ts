import { describe, expect, it } from 'vitest';
import { profileConfigSchema, toMessengerProfile } from './profile-config.ts';

const profileOf = (config: unknown) => toMessengerProfile(profileConfigSchema.parse(config));

describe('the Messenger profile wanted from the configuration', () => {
  it('has no Get Started button when only a greeting or ice breakers are set, so the page’s own one stays', () => {
    expect(profileOf({ greeting: 'Hello!' })).toEqual({ greeting: [{ locale: 'default', text: 'Hello!' }] });
    expect(profileOf({ ice_breakers: [{ question: 'Hours?', payload: 'hours' }] })).not.toHaveProperty('get_started');
    expect(profileOf({})).toEqual({});
  });

  it('has the configured Get Started button, and GET_STARTED when a persistent menu needs one', () => {
    expect(profileOf({ get_started: 'START', greeting: 'Hi' }).get_started).toEqual({ payload: 'START' });
    const menu = [{ title: 'Track my order', payload: 'order_status' }];
    expect(profileOf({ persistent_menu: menu }).get_started).toEqual({ payload: 'GET_STARTED' });
    expect(profileOf({ persistent_menu: menu, get_started: 'START' }).get_started).toEqual({ payload: 'START' });
  });

  it('refuses an empty menu or list of ice breakers, which Graph would refuse with the whole profile', () => {
    for (const key of ['persistent_menu', 'ice_breakers']) {
      const empty = profileConfigSchema.safeParse({ greeting: 'Hello!', [key]: [] });
      expect(empty.error?.issues[0]?.message, key).toBe('list at least one, or leave the key out for none');
    }
  });

  it('takes a greeting of 160 characters with emoji, counted as Messenger counts them, and refuses 161', () => {
    const greeting = '🙂'.repeat(160); // 320 UTF-16 units
    expect(profileOf({ greeting }).greeting).toEqual([{ locale: 'default', text: greeting }]);
    const tooLong = profileConfigSchema.safeParse({ greeting: `${greeting}🙂` });
    expect(tooLong.error?.issues[0]?.message).toBe(
      'has 161 characters; Messenger allows at most 160 (an emoji counts as one)',
    );
  });

  it('takes https URLs and bare domain names as allowed domains, not IP addresses, localhost or http', () => {
    const allowed = ['https://shop.example.com', 'https://shop.example.com/help', 'shop.example.com'];
    expect(profileOf({ whitelisted_domains: allowed }).whitelisted_domains).toEqual(allowed);
    const refused = [
      'https://localhost',
      'https://127.0.0.1',
      'https://127.1',
      'https://[::1]',
      'https://app.localhost',
      'https://intranet',
      'localhost',
      '10.0.0.2',
      'shop.example.com/help',
      'http://shop.example.com',
    ];
    for (const domain of refused) {
      const parsed = profileConfigSchema.safeParse({ whitelisted_domains: [domain] });
      expect(parsed.error?.issues[0]?.message, domain).toBe(
        'must be an https URL or a domain name (like shop.example.com), not an IP address or localhost',
      );
    }
  });
});
