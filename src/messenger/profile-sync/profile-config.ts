import { isIP } from 'node:net';
import { z } from 'zod';
import { greetingSchema } from '../../config/page-settings.ts';
import { DEFAULT_GET_STARTED_PAYLOAD } from '../../conversations/assistant-input.ts';
import type { MessengerProfile } from '../graph/graph-client.ts';

/** Messenger's limits on profile properties (messenger-platform.md §5); the greeting's is greetingSchema's. */
const MAX_MENU_ITEMS = 20;
const MAX_ICE_BREAKERS = 4;
/** Said of an empty list: Graph refuses a profile update that holds one. */
const NONE_IS_LEFT_OUT = 'list at least one, or leave the key out for none';

/**
 * A postback or a link. An item that is neither, or both, is said so, not as "Invalid input". The URL's refusal does not
 * abort: the union then reports it as the link's own problem.
 */
const menuItem = z.union(
  [
    z.object({ title: z.string().min(1).max(30), payload: z.string().min(1).max(1000) }).strict(),
    z
      .object({
        title: z.string().min(1).max(30),
        url: z.url({ protocol: /^https?$/, error: 'give an http(s) URL such as https://shop.example.com/' }),
      })
      .strict(),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'give a title and either a payload or a url' : undefined) },
);

/**
 * A domain the page's webviews and chat plugin may use: an https URL or a bare domain name, as Messenger takes them,
 * and not an IP address or localhost, which it refuses (messenger-platform.md §5).
 */
const whitelistedDomain = z.string().refine(isAllowedDomain, {
  error: 'must be an https URL or a domain name (like shop.example.com), not an IP address or localhost',
});

function isAllowedDomain(value: string): boolean {
  const bare = !value.includes('://');
  // A bare domain is a host name alone: no path, port, user or query.
  if (bare && /[/:?#@\s]/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(bare ? `https://${value}` : value);
  } catch {
    return false;
  }
  const host = url.hostname.replace(/\.$/, '');
  if (url.protocol !== 'https:' || !host.includes('.') || host.endsWith('.localhost')) return false;
  return isIP(host.replace(/^\[(.*)\]$/, '$1')) === 0;
}

/**
 * A page's Messenger profile as written in switchboard.yaml: a friendlier form of Messenger's own
 * (one `default` locale). Switchboard syncs it to the page at start-up.
 */
export const profileConfigSchema = z
  .object({
    /**
     * The payload of the Get Started button; the assistant's `welcome` runs on it. Unset, Switchboard leaves the
     * page's button alone (one set in Meta Business Suite stays), unless a persistent menu, which needs one, is set:
     * then it is `GET_STARTED`.
     */
    get_started: z.string().min(1).max(1000).optional(),
    /** Shown before the first message; may use {{user_first_name}}, {{user_last_name}}, {{user_full_name}}. */
    greeting: greetingSchema.optional(),
    // An empty list is refused (Graph refuses the whole update for it): "no menu" is the key left out.
    persistent_menu: z.array(menuItem).min(1, NONE_IS_LEFT_OUT).max(MAX_MENU_ITEMS).optional(),
    composer_input_disabled: z.boolean().default(false),
    ice_breakers: z
      .array(z.object({ question: z.string().min(1).max(80), payload: z.string().min(1).max(1000) }).strict())
      .min(1, NONE_IS_LEFT_OUT)
      .max(MAX_ICE_BREAKERS)
      .optional(),
    whitelisted_domains: z.array(whitelistedDomain).max(50).optional(),
  })
  .strict();

export type ProfileConfig = z.infer<typeof profileConfigSchema>;

/**
 * The configuration in Messenger's shapes, with only the properties the configuration names, and `get_started` where
 * a persistent menu needs it (messenger-platform.md §5).
 */
export function toMessengerProfile(config: ProfileConfig): MessengerProfile {
  const profile: MessengerProfile = {};
  const getStarted = config.get_started ?? (config.persistent_menu ? DEFAULT_GET_STARTED_PAYLOAD : undefined);
  if (getStarted) profile.get_started = { payload: getStarted };
  if (config.greeting) profile.greeting = [{ locale: 'default', text: config.greeting }];
  if (config.persistent_menu) {
    profile.persistent_menu = [
      {
        locale: 'default',
        composer_input_disabled: config.composer_input_disabled,
        call_to_actions: config.persistent_menu.map((item) =>
          'url' in item
            ? { type: 'web_url' as const, title: item.title, url: item.url }
            : { type: 'postback' as const, title: item.title, payload: item.payload },
        ),
      },
    ];
  }
  if (config.ice_breakers) profile.ice_breakers = [{ locale: 'default', call_to_actions: config.ice_breakers }];
  if (config.whitelisted_domains) profile.whitelisted_domains = config.whitelisted_domains;
  return profile;
}
