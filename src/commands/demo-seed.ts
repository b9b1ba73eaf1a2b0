import type { EmulatorSeed } from '../emulator/index.ts';
import type { ProfileConfig } from '../messenger/profile-sync/profile-config.ts';

const APP_ID = '1517776481860111';
const PAGE_ID = '104857392018475';
/** Not configured: the demo's admin connects it from the inbox with Facebook Login, which subscribes the app to it. */
const OUTLET_PAGE_ID = '209384756102938';

/** The demo's Facebook: one app, a shop page and its outlet's, a few customers with fixed PSIDs (so the demo database stays valid). */
export function demoSeed(o: {
  webhookUrl: string;
  secret: string;
  verifyToken: string;
  gatewayUrl: string;
  /** Where browsers reach the gateway (`PUBLIC_URL`): Facebook Login sends them back there. */
  publicUrl: string;
  /** Pages connected with Facebook Login in an earlier run: their tokens stay valid, the app subscribed. */
  connected?: { id: string; access_token: string }[];
}) {
  const outlet = o.connected?.find((page) => page.id === OUTLET_PAGE_ID);
  return {
    apps: [
      {
        id: APP_ID,
        name: 'Switchboard Demo',
        secret: o.secret,
        webhook_url: o.webhookUrl,
        verify_token: o.verifyToken,
        oauth_redirect_uris: [`${o.publicUrl}/oauth/facebook/callback`],
        deauthorize_url: `${o.gatewayUrl}/callbacks/facebook/deauthorize`,
        data_deletion_url: `${o.gatewayUrl}/callbacks/facebook/data-deletion`,
      },
    ],
    pages: [
      { id: PAGE_ID, name: 'Maple & Moss', app_id: APP_ID, access_token: `EAADEMO${o.secret.slice(0, 24)}` },
      {
        id: OUTLET_PAGE_ID,
        name: 'Maple & Moss Outlet',
        app_id: APP_ID,
        ...(outlet ? { access_token: outlet.access_token, subscribe_app: true } : { subscribe_app: false }),
      },
    ],
    people: [
      {
        first_name: 'Lena',
        last_name: 'Okafor',
        locale: 'en_GB',
        timezone: 1,
        psids: { [PAGE_ID]: '6021938475610234' },
        auto_read: true,
      },
      {
        first_name: 'Camille',
        last_name: 'Durand',
        locale: 'fr_FR',
        timezone: 1,
        psids: { [PAGE_ID]: '6021938475610235' },
        auto_read: true,
      },
      {
        first_name: 'Sam',
        last_name: 'Lee',
        locale: 'en_US',
        timezone: -5,
        psids: { [PAGE_ID]: '6021938475610236', [OUTLET_PAGE_ID]: '6021938475610237' } as Record<string, string>,
      },
    ],
    accounts: [{ name: 'Alex Admin', pages: [PAGE_ID, OUTLET_PAGE_ID] }],
  } satisfies EmulatorSeed;
}

/**
 * The Messenger profile the demo page shows: greeting, Get Started and menu (synced at start). No ice breakers:
 * Messenger shows them in Get Started's place, and the demo starts with Get Started's welcome.
 */
export const DEMO_PROFILE: ProfileConfig = {
  get_started: 'GET_STARTED',
  greeting: 'Hi {{user_first_name}}! Maple & Moss answers in seconds, day and night.',
  composer_input_disabled: false,
  persistent_menu: [
    { title: 'Track my order', payload: 'order_status' },
    { title: 'Talk to a person', payload: 'human' },
    { title: 'Visit the shop', url: 'https://maple-and-moss.example/' },
  ],
};
