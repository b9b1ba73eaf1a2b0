import { defaultPageSettings } from '../../src/config/page-settings.ts';
import type { PageEntry, PageLookup } from '../../src/server/page-directory.ts';

/** One page connected to its app, with default settings, as the Graph sender's tests see it. */
export const PAGE = {
  id: '104857392018475',
  app_id: '1517776481860111',
  access_token: 'EAA-page',
  health: 'ok',
  settings: defaultPageSettings,
  welcome_payload: 'GET_STARTED',
} as PageEntry;

/** A person of the page. */
export const PSID = '6021938475610234';

/** A directory of that page alone. */
export const directory: PageLookup = {
  page: (id) => (id === PAGE.id ? PAGE : undefined),
  pages: () => [PAGE],
  app: () => undefined,
};
