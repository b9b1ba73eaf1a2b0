import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { EmulatorClock } from './clock.ts';
import { accessToken, appId as newAppId, userRef as newUserRef, numericId } from './ids.ts';
import { PAGE_PERMISSIONS, WEBHOOK_FIELDS, type WebhookField } from './platform-constants.ts';
import type { NormalizedSeed, SeedApp, SeedPage, SeedPerson } from './seed.ts';
import type {
  AccountRecord,
  AppRecord,
  AttachmentRecord,
  Conversation,
  GuestRecord,
  OAuthCode,
  PageRecord,
  PersonRecord,
  StoredFile,
  TokenRecord,
} from './state-types.ts';

/** Everything the emulator knows, in memory. Reset rebuilds it from the seed in place. */
export interface EmulatorState {
  apps: Map<string, AppRecord>;
  pages: Map<string, PageRecord>;
  people: Map<string, PersonRecord>;
  accounts: Map<string, AccountRecord>;
  tokens: Map<string, TokenRecord>;
  /** PSID → its page and person. */
  psids: Map<string, { page_id: string; person_id: string }>;
  /** Chat-plugin guests by user_ref (never a PSID's form, so the two cannot meet). Not seeded: a reset forgets them. */
  guests: Map<string, GuestRecord>;
  /** `${page_id}:${psid}` → conversation. */
  conversations: Map<string, Conversation>;
  attachments: Map<string, AttachmentRecord>;
  files: Map<string, StoredFile>;
  oauthCodes: Map<string, OAuthCode>;
  /**
   * Conversation events (`item`, `status`, `typing`, `window`), `profile` changes, `page` blocks and unblocks
   * (policy-enforcement.ts), `clock` advances and `reset`, for the SSE stream.
   */
  bus: EventEmitter;
  /**
   * New at each start and each reset (`loadSeedIntoState`): a chat page that was not listening when it happened (its
   * stream down, or being opened) learns from it that every conversation it shows is gone.
   */
  generation: string;
}

export function createState(): EmulatorState {
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  return {
    apps: new Map(),
    pages: new Map(),
    people: new Map(),
    accounts: new Map(),
    tokens: new Map(),
    psids: new Map(),
    guests: new Map(),
    conversations: new Map(),
    attachments: new Map(),
    files: new Map(),
    oauthCodes: new Map(),
    bus,
    generation: randomUUID(),
  };
}

/** Empties the state and loads the seed again (same ids, same tokens). */
export function loadSeedIntoState(state: EmulatorState, seed: NormalizedSeed, clock: EmulatorClock): void {
  state.generation = randomUUID();
  for (const conversation of state.conversations.values()) clearTimeout(conversation.typing_timer);
  for (const map of [state.apps, state.pages, state.people, state.accounts, state.tokens, state.psids]) map.clear();
  state.guests.clear();
  for (const map of [state.conversations, state.attachments, state.files, state.oauthCodes]) map.clear();
  for (const app of seed.apps) addApp(state, app);
  for (const page of seed.pages) addPage(state, clock, page);
  for (const person of seed.people) addPerson(state, person);
  for (const account of seed.accounts) state.accounts.set(account.id, structuredClone(account));
}

export type NewApp = Partial<SeedApp> & { name: string; secret: string };

export function addApp(state: EmulatorState, input: NewApp): AppRecord {
  const app: AppRecord = {
    id: input.id ?? newAppId(),
    name: input.name,
    secret: input.secret,
    webhook_verified: false,
    oauth_redirect_uris: input.oauth_redirect_uris ?? [],
    subscribed_fields: input.subscribed_fields ?? [...WEBHOOK_FIELDS],
  };
  if (input.webhook_url) app.webhook_url = input.webhook_url;
  if (input.verify_token) app.verify_token = input.verify_token;
  if (input.deauthorize_url) app.deauthorize_url = input.deauthorize_url;
  if (input.data_deletion_url) app.data_deletion_url = input.data_deletion_url;
  state.apps.set(app.id, app);
  return app;
}

export type NewPage = Partial<SeedPage> & { name: string; app_id: string };

/** Adds a page, its never-expiring token for its app (with every page permission), and a PSID on it for every person. */
export function addPage(state: EmulatorState, clock: EmulatorClock, input: NewPage): PageRecord {
  const page: PageRecord = {
    id: input.id ?? numericId(15),
    name: input.name,
    app_id: input.app_id,
    picture_url: input.picture_url ?? '',
    subscribed: new Map(),
    profile: {},
  };
  if (input.subscribe_app !== false) page.subscribed.set(page.app_id, [...WEBHOOK_FIELDS]);
  state.pages.set(page.id, page);
  const token = input.access_token ?? accessToken();
  state.tokens.set(token, {
    token,
    kind: 'page',
    app_id: page.app_id,
    page_id: page.id,
    scopes: [...PAGE_PERMISSIONS],
    granted_page_ids: [page.id],
    issued_at: clock.now(),
    expires_at: 0,
    long_lived: true,
    revoked: false,
  });
  for (const person of state.people.values()) assignPsid(state, person, page.id);
  return page;
}

export type NewPerson = Partial<SeedPerson> & { first_name: string };

export function addPerson(state: EmulatorState, input: NewPerson): PersonRecord {
  const person: PersonRecord = {
    id: input.id ?? numericId(15),
    first_name: input.first_name,
    last_name: input.last_name ?? '',
    locale: input.locale ?? 'en_US',
    timezone: input.timezone ?? 0,
    profile_pic: input.profile_pic ?? '',
    psids: {},
    auto_read: input.auto_read ?? false,
  };
  state.people.set(person.id, person);
  for (const pageId of state.pages.keys()) assignPsid(state, person, pageId, input.psids?.[pageId]);
  return person;
}

export type NewGuest = { page_id: string; user_ref?: string; name?: string };

/** Adds a chat-plugin guest of the page; the caller checks that the page exists and the user_ref is free. */
export function addGuest(state: EmulatorState, input: NewGuest): GuestRecord {
  let userRef = input.user_ref ?? newUserRef();
  while (!input.user_ref && state.guests.has(userRef)) userRef = newUserRef();
  const guest: GuestRecord = { user_ref: userRef, page_id: input.page_id, name: input.name ?? 'Guest' };
  state.guests.set(guest.user_ref, guest);
  return guest;
}

function assignPsid(state: EmulatorState, person: PersonRecord, pageId: string, fixed?: string): void {
  let psid = fixed ?? numericId(16);
  while (!fixed && state.psids.has(psid)) psid = numericId(16);
  person.psids[pageId] = psid;
  state.psids.set(psid, { page_id: pageId, person_id: person.id });
}

/** The page's token for its own app, as seeded or created (the one the control API returns). */
export function findPageToken(state: EmulatorState, page: PageRecord): TokenRecord | undefined {
  for (const token of state.tokens.values()) {
    if (token.kind === 'page' && token.page_id === page.id && token.app_id === page.app_id && !token.account_id) {
      return token;
    }
  }
  return undefined;
}

/** Fields an app receives for a page: the page-level subscription intersected with the app level. */
export function effectiveFields(state: EmulatorState, page: PageRecord, appId: string): Set<WebhookField> {
  const pageFields = page.subscribed.get(appId) ?? [];
  const appFields = new Set(state.apps.get(appId)?.subscribed_fields ?? []);
  return new Set(pageFields.filter((field) => appFields.has(field)));
}
