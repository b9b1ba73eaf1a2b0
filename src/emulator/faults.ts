import { type GraphError, graphError, INJECTABLE_MESSAGES } from './graph-errors.ts';

/** The next `count` Graph calls (matching `path_contains`) fail with this error. */
export interface NextFault {
  count: number;
  code: number;
  error_subcode?: number;
  /** Default: 500 for codes 1 and 2, else 400. */
  http_status?: number;
  message?: string;
  path_contains?: string;
  headers?: Record<string, string>;
  /**
   * The call is carried out (a message is sent, its echo delivered) and only its answer is this error: Graph accepted
   * it, and the answer said otherwise or was lost (messenger-platform.md §3.9).
   */
  after?: boolean;
}

/** A Graph call's injected failure: instead of the call, or in place of its answer. */
export interface Fault {
  error: GraphError;
  after: boolean;
}

/** What `POST /_emulator/faults` sets; each field merges into the current faults. */
export interface FaultSettings {
  /** Fraction (0..1) of Graph calls that fail with code 2 (HTTP 500). */
  error_rate?: number;
  next?: NextFault;
  /** Added to every Graph call. */
  latency_ms?: number;
  /**
   * Added to every Graph answer, after the call was carried out: a sent message's echo and delivery go out before the
   * answer comes back, as they may when Graph is slow to answer.
   */
  answer_latency_ms?: number;
  /** The next N webhook deliveries are dropped: logged as dropped, never sent. */
  drop_webhooks?: number;
  /**
   * Usage Graph reports on every answer, in percent of its limits (messenger-platform.md §9): `app` as X-App-Usage,
   * `page` as X-Page-Usage, `business` as X-Business-Use-Case-Usage for the token's page. The emulator does not count
   * usage itself; this says what it reports.
   */
  usage?: { app?: number; page?: number; business?: number };
}

export interface FaultStore {
  set(settings: FaultSettings): void;
  clear(): void;
  snapshot(): FaultSettings;
  latencyMs(): number;
  answerLatencyMs(): number;
  /** How this Graph call must fail, if it must (consumes one `next`). */
  take(path: string, pageId: string | undefined): Fault | undefined;
  /** Whether the next webhook delivery is dropped (consumes one). */
  takeDrop(): boolean;
  /** The usage headers every answer carries (see `FaultSettings.usage`). */
  usageHeaders(pageId: string | undefined): Record<string, string>;
}

type Usage = NonNullable<FaultSettings['usage']>;

/**
 * Graph's usage headers (messenger-platform.md §9) reporting these percents; the business one for the page, with the
 * minutes until access comes back.
 */
function usageHeaders(usage: Usage, pageId: string | undefined, regainMinutes = 0): Record<string, string> {
  const figures = (percent: number) => ({ call_count: percent, total_cputime: percent, total_time: percent });
  const headers: Record<string, string> = {};
  if (usage.app !== undefined) headers['x-app-usage'] = JSON.stringify(figures(usage.app));
  if (usage.page !== undefined) headers['x-page-usage'] = JSON.stringify(figures(usage.page));
  if (usage.business !== undefined) {
    const entry = [{ type: 'pages', ...figures(usage.business), estimated_time_to_regain_access: regainMinutes }];
    headers['x-business-use-case-usage'] = JSON.stringify({ [pageId ?? '0']: entry });
  }
  return headers;
}

/** The usage Facebook reports with a throttling error: the limit it names, spent. */
const THROTTLED: Record<number, [Usage, number]> = {
  4: [{ app: 100 }, 0],
  32: [{ page: 100 }, 0],
  80001: [{ business: 100 }, 1],
};

export function createFaultStore(random: () => number = Math.random): FaultStore {
  let current: FaultSettings = {};
  return {
    set(settings) {
      current = { ...current, ...settings };
    },
    clear() {
      current = {};
    },
    snapshot: () => structuredClone(current),
    latencyMs: () => current.latency_ms ?? 0,
    answerLatencyMs: () => current.answer_latency_ms ?? 0,
    take(path, pageId) {
      const next = current.next;
      if (next && next.count > 0 && (!next.path_contains || path.includes(next.path_contains))) {
        next.count -= 1;
        if (next.count === 0) delete current.next;
        const [throttled, regainMinutes] = THROTTLED[next.code] ?? [{}, 0];
        const options: Parameters<typeof graphError>[2] = {
          headers: { ...usageHeaders(throttled, pageId, regainMinutes), ...next.headers },
          isTransient: [1, 2, 4, 17, 32, 613, 1200, 80001].includes(next.code),
        };
        if (next.error_subcode !== undefined) options.subcode = next.error_subcode;
        if (next.http_status !== undefined) options.status = next.http_status;
        const message = next.message ?? INJECTABLE_MESSAGES[next.code] ?? 'Injected error';
        return { error: graphError(next.code, message, options), after: next.after === true };
      }
      if (current.error_rate && random() < current.error_rate) {
        return { error: graphError(2, INJECTABLE_MESSAGES[2] ?? '', { isTransient: true }), after: false };
      }
      return undefined;
    },
    usageHeaders: (pageId) => usageHeaders(current.usage ?? {}, pageId),
    takeDrop() {
      if (!current.drop_webhooks || current.drop_webhooks <= 0) return false;
      current.drop_webhooks -= 1;
      return true;
    },
  };
}
