import type { InboundEvent } from '../../conversations/inbound-event.ts';
import { normalizeMessagingEvent } from './normalize-event.ts';

export interface ParsedWebhook {
  events: InboundEvent[];
  /** Events that could not be understood: stored for inspection, the rest still processed. */
  rejected: { reason: string; raw: unknown }[];
}

/** Every entry and every messaging/standby event of a body (never only the first: style.md "Never" 1). */
export function parseWebhookBody(body: unknown): ParsedWebhook {
  const result: ParsedWebhook = { events: [], rejected: [] };
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { entry?: unknown }).entry)) {
    result.rejected.push({ reason: 'body has no entry array', raw: body });
    return result;
  }
  const { object, entry } = body as { object?: unknown; entry: unknown[] };
  if (object !== 'page') {
    result.rejected.push({ reason: `object "${String(object)}" is not "page"`, raw: body });
    return result;
  }
  for (const item of entry) {
    const pageId = typeof item === 'object' && item !== null ? String((item as { id?: unknown }).id ?? '') : '';
    if (!/^\d+$/.test(pageId)) {
      result.rejected.push({ reason: 'entry has no page id', raw: item });
      continue;
    }
    const e = item as { messaging?: unknown; standby?: unknown; changes?: unknown };
    for (const [list, standby] of [
      [e.messaging, false],
      [e.standby, true],
    ] as const) {
      if (!Array.isArray(list)) continue;
      for (const raw of list) {
        const normalized = normalizeMessagingEvent(raw, pageId, standby);
        if (normalized.ok) result.events.push(normalized.event);
        else result.rejected.push({ reason: normalized.reason, raw });
      }
    }
    if (Array.isArray(e.changes)) {
      for (const change of e.changes)
        result.rejected.push({ reason: 'page feed changes are not handled', raw: change });
    }
  }
  return result;
}
