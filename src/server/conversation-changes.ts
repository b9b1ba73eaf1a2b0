/**
 * What the inbox's live stream hears (stream-routes.ts): which conversations changed, never what changed. Data always
 * comes from the API, which checks who asks. `resync`: changes may have been missed; read everything again.
 */
export type ChangeNotice = { type: 'changed'; conversations: string[] } | { type: 'resync' };
export type ChangeListener = (notice: ChangeNotice) => void;

export interface ConversationChanges {
  /** A message came or went, a status, the routing or the flag changed. Told to subscribers within FLUSH_MS. */
  publish(conversationId: string): void;
  /** Resolves once the listener hears every change published after it, with the way to unsubscribe. */
  subscribe(listener: ChangeListener): Promise<() => void>;
  close(): Promise<void>;
}

/** How long changes gather before they are told: one notice for a burst of them. */
export const FLUSH_MS = 50;

/**
 * Gathers published ids and hands them, at most once per FLUSH_MS, to `flush`. Nothing gathers while `wanted()` is
 * false: a gateway nobody watches pays one call per change. `flushNow()` hands over what gathered at once.
 */
export function createChangeBatcher(flush: (ids: string[]) => void, wanted: () => boolean) {
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const send = () => {
    timer = undefined;
    const ids = [...pending];
    pending = new Set();
    if (ids.length > 0) flush(ids);
  };
  return {
    add(id: string) {
      if (!wanted()) return;
      pending.add(id);
      timer ??= setTimeout(send, FLUSH_MS);
    },
    flushNow() {
      clearTimeout(timer);
      send();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
      pending.clear();
    },
  };
}

/** The changes of one process, told to its own subscribers: SQLite, where one process serves everything. */
export function createLocalChanges(): ConversationChanges {
  const listeners = new Set<ChangeListener>();
  const batcher = createChangeBatcher(
    (conversations) => {
      for (const listener of listeners) listener({ type: 'changed', conversations });
    },
    () => listeners.size > 0,
  );
  return {
    publish: batcher.add,
    async subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async close() {
      batcher.stop();
      listeners.clear();
    },
  };
}
