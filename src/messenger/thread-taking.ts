import type { PageLookup } from '../server/page-directory.ts';
import type { GraphClient } from './graph/graph-client.ts';
import { describeError, ownerAfterRefusal, refusalHealth } from './graph-sender.ts';

/** What the app that loses the thread reads when a person of the team gives the conversation back to the assistant. */
export const RESUME_NOTE = 'Switchboard: the team gave the conversation back to the assistant';

/** Graph's answer to a take: the thread is the page's app's, or the reason it is not, as the team can read it. */
export type ThreadTake = { ok: true } | { ok: false; error: string };

export interface ThreadTakingDeps {
  directory: PageLookup;
  /** The Graph client of the page's app (each app proves its calls with its own secret). */
  graphFor: (appId: string) => GraphClient;
  /** Told Graph refused the page's token: recorded on the page's health, as a send's or a pass's refusal is. */
  tokenRefused: (pageId: string, error: string) => Promise<void>;
}

/**
 * Takes a person's thread back for the page's app from the app that holds it (`take_thread_control`, with a note,
 * messenger-platform.md §7): for the inbox's give-back, outside processing. Never throws for Graph's refusals.
 */
export function createThreadTaking(deps: ThreadTakingDeps) {
  return async function takeThread({ pageId, personId }: { pageId: string; personId: string }): Promise<ThreadTake> {
    const page = deps.directory.page(pageId);
    if (!page) return { ok: false, error: `page ${pageId} is not connected` };
    const graph = deps.graphFor(page.app_id);
    const taken = await graph.takeThreadControl(page.access_token, personId, RESUME_NOTE);
    if (taken.ok) return { ok: true };
    const error = describeError(taken.error);
    if (refusalHealth(taken, 'handover') === 'token') await deps.tokenRefused(page.id, error);
    // What the gateway knew may be stale (a standby event replayed after the thread came back): Graph may refuse a take
    // by the app that holds the thread already.
    const owner = await ownerAfterRefusal(graph, { token: page.access_token, personId, refusal: taken });
    return owner.status === 'known' && owner.app_id === page.app_id ? { ok: true } : { ok: false, error };
  };
}
