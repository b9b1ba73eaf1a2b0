import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AssistantConfig } from '../config/assistant-config.ts';
import type { ConnectedPagesConfig } from '../config/config-schema.ts';
import { defaultPageSettings, type PageSettings, pageSettingsSchema } from '../config/page-settings.ts';
import { DEFAULT_GET_STARTED_PAYLOAD } from '../conversations/assistant-input.ts';
import type { PageRuntime } from '../conversations/ports.ts';
import type { ProfileConfig } from '../messenger/profile-sync/profile-config.ts';
import { loadApps, loadPages, type StoredApp, type StoredPage } from '../storage/page-repository.ts';
import type { Database } from '../storage/schema.ts';
import type { SecretBox } from '../storage/secret-box.ts';

export interface PageEntry extends PageRuntime {
  access_token: string;
  /** As stored when the directory was loaded: `ok`, or why Graph refuses the page's sends (graph-sender.ts). */
  health: string;
  /** What the health says of the trouble (Meta's reason for its block), as stored when the directory was loaded. */
  health_detail?: string | null;
  assistant: AssistantConfig | null;
  messenger_profile: ProfileConfig | null;
}

/** The directory's contents as plain data, decrypted: what the processing thread is given of them. */
export interface DirectorySnapshot {
  apps: StoredApp[];
  pages: PageEntry[];
}

/** Looks pages and apps up in memory. */
export interface PageLookup {
  page(id: string): PageEntry | undefined;
  pages(): PageEntry[];
  app(id: string): StoredApp | undefined;
}

/**
 * The connected apps and pages, decrypted in memory, reloaded when they change (config sync, OAuth, settings API).
 * The webhook path reads it on every request, so it never touches the database.
 */
export function createPageDirectory(
  db: Kysely<Database>,
  box: SecretBox,
  options: { logger?: Logger; connectedPages?: ConnectedPagesConfig } = {},
) {
  const { logger, connectedPages: connected = { settings: {} } } = options;
  const mirror = createDirectoryMirror({ apps: [], pages: [] });
  async function load() {
    const apps = await loadApps(db, box);
    const pages: PageEntry[] = [];
    for (const stored of await loadPages(db, box)) {
      // A page connected with Facebook Login whose app is no longer configured: nothing can verify or send for it.
      if (!apps.some((a) => a.id === stored.app_id)) continue;
      const p = stored.source === 'oauth' ? withConnectedDefaults(stored, connected) : stored;
      const settings = settingsOf(p.settings, (keys) =>
        logger?.error({ pageId: p.id, keys }, 'stored page settings no longer valid: those keys use their defaults'),
      );
      pages.push({
        id: p.id,
        app_id: p.app_id,
        name: p.name ?? undefined,
        access_token: p.access_token,
        health: p.health,
        health_detail: p.health_detail,
        assistant: p.assistant,
        messenger_profile: p.messenger_profile,
        welcome_payload: p.messenger_profile?.get_started ?? DEFAULT_GET_STARTED_PAYLOAD,
        settings,
      });
    }
    mirror.replace({ apps, pages });
  }
  // One reload at a time, in the order asked: on PostgreSQL two at once could finish out of order, and the one that
  // read before the other's change would put the older pages back.
  let reloading: Promise<void> = Promise.resolve();
  return {
    ...mirror,
    reload(): Promise<void> {
      const next = reloading.then(load);
      reloading = next.catch(() => {});
      return next;
    },
  };
}

export type PageDirectory = ReturnType<typeof createPageDirectory>;

/**
 * A page connected with Facebook Login has no configuration of its own: `connected_pages` gives it one. Without an
 * assistant there, the page starts with automatic replies off, so that a real page is not answered by the bundled
 * sample shop; people answer it in the inbox until an admin turns them on.
 */
function withConnectedDefaults(page: StoredPage, connected: ConnectedPagesConfig): StoredPage {
  const replies = connected.assistant ? {} : { auto_replies: false };
  return {
    ...page,
    assistant: page.assistant ?? connected.assistant ?? null,
    settings: { ...replies, ...connected.settings, ...page.settings },
    messenger_profile: page.messenger_profile ?? connected.messenger_profile ?? null,
  };
}

/**
 * A page's stored settings, checked. A key that no longer passes (stored before a check was added) falls back to its
 * default alone, so that one bad key does not reset the page's other settings.
 */
function settingsOf(stored: object, onInvalid: (keys: string[]) => void): PageSettings {
  const parsed = pageSettingsSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  const bad = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
  onInvalid(bad);
  const kept = pageSettingsSchema.safeParse(
    Object.fromEntries(Object.entries(stored).filter(([k]) => !bad.includes(k))),
  );
  return kept.success ? kept.data : defaultPageSettings;
}

/** A directory filled from snapshots of another one (the processing thread's, from the main thread's). */
export function createDirectoryMirror(initial: DirectorySnapshot) {
  let apps = initial.apps;
  let pages = new Map(initial.pages.map((p) => [p.id, p]));
  return {
    replace(snapshot: DirectorySnapshot) {
      apps = snapshot.apps;
      pages = new Map(snapshot.pages.map((p) => [p.id, p]));
    },
    snapshot: (): DirectorySnapshot => ({ apps, pages: [...pages.values()] }),
    page: (id: string): PageEntry | undefined => pages.get(id),
    pages: (): PageEntry[] => [...pages.values()],
    apps: (): StoredApp[] => apps,
    app: (id: string): StoredApp | undefined => apps.find((a) => a.id === id),
  };
}
