import type { Kysely } from 'kysely';
import type { AssistantConfig } from '../config/assistant-config.ts';
import { defaultPageSettings, pageSettingsSchema } from '../config/page-settings.ts';
import { DEFAULT_GET_STARTED_PAYLOAD } from '../conversations/assistant-input.ts';
import type { PageRuntime } from '../conversations/ports.ts';
import type { ProfileConfig } from '../messenger/profile-sync/profile-config.ts';
import { loadApps, loadPages, type StoredApp } from '../storage/page-repository.ts';
import type { Database } from '../storage/schema.ts';
import type { SecretBox } from '../storage/secret-box.ts';

export interface PageEntry extends PageRuntime {
  access_token: string;
  assistant: AssistantConfig | null;
  messenger_profile: ProfileConfig | null;
}

/**
 * The connected apps and pages, decrypted in memory, reloaded when they change (config sync, OAuth, settings API).
 * The webhook path reads it on every request, so it never touches the database.
 */
export function createPageDirectory(db: Kysely<Database>, box: SecretBox) {
  let apps: StoredApp[] = [];
  let pages = new Map<string, PageEntry>();

  return {
    async reload() {
      apps = await loadApps(db, box);
      const next = new Map<string, PageEntry>();
      for (const p of await loadPages(db, box)) {
        const settings = pageSettingsSchema.safeParse({ ...p.settings });
        next.set(p.id, {
          id: p.id,
          app_id: p.app_id,
          name: p.name ?? undefined,
          access_token: p.access_token,
          assistant: p.assistant,
          messenger_profile: p.messenger_profile,
          welcome_payload: p.messenger_profile?.get_started ?? DEFAULT_GET_STARTED_PAYLOAD,
          settings: settings.success ? settings.data : defaultPageSettings,
        });
      }
      pages = next;
    },
    page: (id: string): PageEntry | undefined => pages.get(id),
    pages: (): PageEntry[] => [...pages.values()],
    apps: (): StoredApp[] => apps,
    app: (id: string): StoredApp | undefined => apps.find((a) => a.id === id),
  };
}

export type PageDirectory = ReturnType<typeof createPageDirectory>;
