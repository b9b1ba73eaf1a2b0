/**
 * Per-page pacing of Send API calls under Graph's limits (messenger-platform.md §9). A token bucket per page, kept
 * as a "theoretical arrival time" (GCRA): `delayFor` reserves the next slot and says how long to wait for it, so
 * callers queue up behind each other instead of failing (back-pressure, never an error).
 *
 * The effective rate is the page's rate scaled by the highest usage percent Graph reported (app, page or business
 * use case), along this curve:
 *
 *     factor(u) = 1                          for u ≤ 75 %
 *               = 1 − 0.9 × (u − 75) / 25    for 75 % < u < 100 %   (linear: 87.5 % → 0.55)
 *               = 0.1                        for u ≥ 100 %
 *
 * The burst shrinks by the same factor. A rate-limit error pauses the page; the bucket is empty when a pause ends,
 * so sends resume at the paced rate rather than all at once. Audio and video attachments also take a slot in a
 * second bucket per page, at Graph's 10 calls per second for them (scaled alike), without a burst: no second holds
 * more than 10. Their wait there holds up no other send of the page.
 *
 * State lives in this process's memory: right for one gateway process; several processes would each pace on their
 * own (design.md §8 wants shared state then).
 */

/** Usage figures from Graph's headers, in percent of the limit (throttled at 100). */
export interface GraphUsage {
  /** X-App-Usage: the app's usage, shared by its pages (the highest of call_count, total_cputime, total_time). */
  app?: number;
  /** X-Page-Usage for this page. */
  page?: number;
  /** X-Business-Use-Case-Usage for this page. */
  business?: number;
  /** estimated_time_to_regain_access (given in minutes by Graph) in ms; above 0 the page is paused that long. */
  regain_access_ms?: number;
}

export interface SendThrottleOptions {
  /** Sends per second for a page (its `send_rate_per_second`), read at every call so changes apply at once. */
  ratePerSecond: (pageId: string) => number;
  /** Sends that may go back to back after a quiet spell. Default: one second's worth at the page's rate (≥ 1). */
  burst?: number;
  /**
   * ms on a clock that only moves forward. Default: the monotonic clock; on the wall clock, one set back an hour (NTP,
   * a VM moved) would hold every page's sends for that hour.
   */
  now?: () => number;
  /** How long a usage figure counts when not reported again (X-Page-Usage is left out when near 0). Default 60 s. */
  usageTtlMs?: number;
  /** Pause after a first rate-limit error that gives no wait time. Default 1 s, doubling on each further error. */
  firstPauseMs?: number;
  /** Longest pause without a wait time from Graph. Default 5 minutes. */
  maxPauseMs?: number;
  /** Error-free time after a pause ends before the doubling starts over at `firstPauseMs`. Default 60 s. */
  streakResetMs?: number;
  /** The app a page is served by: its usage and an app-wide limit count for its other pages, not other apps'. */
  appOf?: (pageId: string) => string | undefined;
}

/** What a page's pacing looks like now, for `/metrics` and tests. */
export interface ThrottleState {
  /** The page's configured rate. */
  baseRatePerSecond: number;
  /** The rate after usage scaling. */
  ratePerSecond: number;
  /** The highest usage percent still counted (0 when none). */
  usagePercent: number;
  /** When the current pause ends, or null when not paused. */
  pausedUntil: number | null;
  /** Sends that could go right now (fractional; 0 while paused). */
  tokens: number;
  /** Rate-limit errors in a row that set the current pause length. */
  rateLimitStreak: number;
}

export type SendThrottle = ReturnType<typeof createSendThrottle>;

const MIN_RATE = 0.01;
/** Graph's limit for audio and video attachments, per page (messenger-platform.md §9). */
const MEDIA_RATE_PER_SECOND = 10;

interface Reading {
  value: number;
  at: number;
}

interface PageState {
  /** GCRA theoretical arrival time: the bucket is full again at `tat`, and a send may go at `tat - tolerance`. */
  tat: number;
  /** The same, for audio and video attachments. */
  mediaTat: number;
  pausedUntil: number;
  streak: number;
  page?: Reading;
  business?: Reading;
}

/** The rate factor for a usage percent (see the curve above). */
export function usageFactor(percent: number): number {
  if (!(percent > 75)) return 1;
  if (percent >= 100) return 0.1;
  return 1 - (0.9 * (percent - 75)) / 25;
}

export function createSendThrottle(options: SendThrottleOptions) {
  const usageTtlMs = options.usageTtlMs ?? 60_000;
  const firstPauseMs = options.firstPauseMs ?? 1000;
  const maxPauseMs = options.maxPauseMs ?? 5 * 60_000;
  const streakResetMs = options.streakResetMs ?? 60_000;
  const clock = options.now ?? (() => performance.now());
  const pages = new Map<string, PageState>();
  /** X-App-Usage per app (one entry when `appOf` is not given). */
  const apps = new Map<string, Reading>();
  const appKey = (pageId: string) => options.appOf?.(pageId) ?? '';

  function pageState(pageId: string): PageState {
    let state = pages.get(pageId);
    if (!state) {
      const never = Number.NEGATIVE_INFINITY;
      state = { tat: never, mediaTat: never, pausedUntil: never, streak: 0 };
      pages.set(pageId, state);
    }
    return state;
  }

  function usagePercent(pageId: string, state: PageState, now: number): number {
    const fresh = (r: Reading | undefined) => (r && now - r.at <= usageTtlMs ? r.value : 0);
    return Math.max(0, fresh(apps.get(appKey(pageId))), fresh(state.page), fresh(state.business));
  }

  /** Slot length (ms) and burst tolerance (ms) at the current effective rate. */
  function pacing(pageId: string, state: PageState, now: number) {
    const configured = options.ratePerSecond(pageId);
    const base = Number.isFinite(configured) && configured > 0 ? configured : MIN_RATE;
    const usage = usagePercent(pageId, state, now);
    const factor = usageFactor(usage);
    const rate = Math.max(MIN_RATE, base * factor);
    const burst = Math.max(1, Math.floor((options.burst ?? Math.max(1, Math.floor(base))) * factor));
    const interval = 1000 / rate;
    const mediaInterval = 1000 / Math.min(rate, Math.max(MIN_RATE, MEDIA_RATE_PER_SECOND * factor));
    return { base, rate, usage, burst, interval, tolerance: (burst - 1) * interval, mediaInterval };
  }

  function pause(pageId: string, state: PageState, until: number) {
    if (until <= state.pausedUntil) return;
    state.pausedUntil = until;
    // Empty bucket at the end of the pause: the first send goes at `until`, the next one a slot later.
    state.tat = Math.max(state.tat, until + pacing(pageId, state, clock()).tolerance);
    state.mediaTat = Math.max(state.mediaTat, until);
  }

  return {
    /**
     * Milliseconds to wait before the next send to this page (0 = go now). Reserves that slot. `media`: the send is
     * an audio or video attachment, under the lower limit for those too.
     */
    delayFor(pageId: string, media = false): number {
      const now = clock();
      const state = pageState(pageId);
      const { interval, tolerance, mediaInterval } = pacing(pageId, state, now);
      const pageSlot = Math.max(now, state.tat - tolerance, state.pausedUntil);
      state.tat = Math.max(state.tat, pageSlot) + interval;
      if (!media) return Math.ceil(pageSlot - now);
      const sendAt = Math.max(pageSlot, state.mediaTat);
      state.mediaTat = sendAt + mediaInterval;
      return Math.ceil(sendAt - now);
    },

    /** Records the usage Graph reported on a response for this page; `app` counts for every page of its app. */
    onUsage(pageId: string, usage: GraphUsage): void {
      const now = clock();
      const state = pageState(pageId);
      if (usage.app !== undefined) apps.set(appKey(pageId), { value: usage.app, at: now });
      if (usage.page !== undefined) state.page = { value: usage.page, at: now };
      if (usage.business !== undefined) state.business = { value: usage.business, at: now };
      if (usage.regain_access_ms !== undefined && usage.regain_access_ms > 0) {
        pause(pageId, state, now + usage.regain_access_ms);
      }
    },

    /**
     * Pauses the page after a rate-limit error: for `retryAfterMs` when Graph said, else 1 s, 2 s, 4 s… up to
     * 5 minutes. Errors arriving while already paused (sends that were in flight) do not lengthen the doubling.
     * `appWide`: the app's limit (Graph's code 4), so every page of the app that has sent is paused as long.
     */
    onRateLimited(pageId: string, retryAfterMs?: number, appWide = false): void {
      const now = clock();
      const state = pageState(pageId);
      let until: number;
      if (now < state.pausedUntil) {
        if (retryAfterMs === undefined) return;
        until = now + retryAfterMs;
      } else {
        state.streak = now - state.pausedUntil >= streakResetMs ? 1 : state.streak + 1;
        const backoff = Math.min(maxPauseMs, firstPauseMs * 2 ** (state.streak - 1));
        until = now + Math.max(0, retryAfterMs ?? backoff);
      }
      pause(pageId, state, until);
      const app = appWide ? options.appOf?.(pageId) : undefined;
      if (app === undefined) return;
      for (const [other, otherState] of pages) if (options.appOf?.(other) === app) pause(other, otherState, until);
    },

    state(pageId: string): ThrottleState {
      const now = clock();
      const state = pageState(pageId);
      const { base, rate, usage, burst, interval, tolerance } = pacing(pageId, state, now);
      const paused = now < state.pausedUntil;
      const available = (now + tolerance - Math.max(state.tat, now)) / interval + 1;
      return {
        baseRatePerSecond: base,
        ratePerSecond: rate,
        usagePercent: usage,
        pausedUntil: paused ? state.pausedUntil : null,
        tokens: paused ? 0 : Math.min(burst, Math.max(0, available)),
        rateLimitStreak: state.streak,
      };
    },
  };
}
