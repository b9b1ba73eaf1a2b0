/**
 * The conversation list: filters (search, page, routing, flagged), rows newest first, "load more", and a poll every few
 * seconds that updates rows in place, so the selection, the focus and the scroll position stay where they were.
 */
import { renderConversationRow } from './conversation-row.js';
import { h, placeInOrder, replaceChildren, setText, whileBusy } from './dom.js';
import { describeError, shortTime } from './format.js';
import { createListFilters } from './list-filters.js';
import {
  appendConversations,
  matchesFilter,
  mergeConversations,
  newerFirst,
  nextCursor,
  replaceConversations,
  rowSignature,
} from './list-model.js';
import { createReadOrder } from './read-order.js';

const PAGE_SIZE = 50;
/** The most ids the API takes in one request. */
const IDS_PER_REQUEST = 200;
export const LIST_POLL_MS = 4_000;

/**
 * `hrefFor(id)`: a row's link. The pages (for the filter and the rows' page badges) come with `setPages`.
 * `filtered()` is told each change of the filters, before the list loads again.
 */
export function createConversationList({ api, hrefFor, notices, me, filtered = () => {} }) {
  const filter = { search: '', page_id: '', routing: '', flagged: false, assignee: '' };
  let rows = [];
  let exhausted = false;
  let generation = 0;
  /** Polls overlap with each other and with changes made in the thread: an answer older than those is dropped. */
  const reads = createReadOrder();
  let selected;
  /** Told changed by the stream (`all` after it reconnected): rows loaded below the newest page are read again. */
  let changed = new Set();
  let changedAll = false;
  const elements = new Map();
  /** Page names by id, for the rows' badges: empty while there is one page only. */
  let badges = new Map();
  /** The team's names by user id (`setUsers`). */
  let userNames = new Map();
  const filters = createListFilters({
    filter,
    me,
    changed() {
      filtered();
      void reload();
    },
  });

  const list = h('ul', {
    class: 'conversations',
    'aria-label': 'Conversations',
    dataset: { testid: 'conversation-list' },
  });
  const empty = h('p', { class: 'empty', hidden: true, dataset: { testid: 'conversations-empty' } });
  const more = h(
    'button',
    { type: 'button', class: 'button load-more', hidden: true, dataset: { testid: 'load-more' }, onclick: loadMore },
    'Load more',
  );
  const status = h('p', { class: 'visually-hidden', role: 'status' });
  const element = h(
    'section',
    { class: 'list-pane', 'aria-label': 'Conversation list' },
    filters.element,
    h('div', { class: 'list-scroll', dataset: { testid: 'list-scroll' } }, list, empty, more),
    status,
  );

  const query = (extra) => ({
    q: filter.search || undefined,
    page_id: filter.page_id || undefined,
    routing: filter.routing || undefined,
    flagged: filter.flagged ? 'true' : undefined,
    assignee: filter.assignee || undefined,
    limit: PAGE_SIZE,
    ...extra,
  });

  /** From the top, after a filter changed. */
  async function reload() {
    const mine = ++generation;
    rows = [];
    exhausted = false;
    elements.clear();
    list.replaceChildren();
    // What the last filter found, and its "Load more", are not this one's: a failed load would leave them showing.
    empty.hidden = true;
    more.hidden = true;
    const loaded = await refresh();
    // Overtaken by another filter or search: that one says its count. Not loaded: the notice says so, not a count.
    if (mine === generation && loaded) sayCount();
  }

  function sayCount() {
    status.textContent = `${rows.length} conversation${rows.length === 1 ? '' : 's'}${exhausted ? '' : ' shown'}`;
  }

  /**
   * The newest page again, merged into what is loaded (a poll), then the rows below it the stream said changed: a
   * conversation loaded with "load more" that was taken over or flagged moves no higher.
   */
  async function refresh() {
    const mine = generation;
    const number = reads.next();
    const named = { all: changedAll, ids: changed };
    changed = new Set();
    changedAll = false;
    const result = await api.conversations(query());
    // Not loaded after all: what the stream named waits for the next load.
    const keepNamed = () => markChanged(named.all ? undefined : [...named.ids]);
    if (mine !== generation) return true;
    if (!reads.apply(number)) {
      keepNamed();
      return true;
    }
    if (!result.ok) {
      keepNamed();
      return failed(result.error);
    }
    notices.clear('list');
    rows = mergeConversations(rows, result.value, { limit: PAGE_SIZE, filter });
    // A full page that dropped the loaded tail leaves more to load.
    if (result.value.length < PAGE_SIZE) exhausted = true;
    else if (rows.length === result.value.length) exhausted = false;
    draw();
    const newest = new Set(result.value.map((row) => row.id));
    const below = rows.filter((row) => !newest.has(row.id) && (named.all || named.ids.has(row.id))).map((r) => r.id);
    for (let i = 0; i < below.length; i += IDS_PER_REQUEST) {
      if (!(await refreshRows(below.slice(i, i + IDS_PER_REQUEST), mine))) {
        markChanged(below.slice(i + IDS_PER_REQUEST));
        return false;
      }
    }
    return true;
  }

  /** Reads these loaded rows again: each comes back changed, or goes when it no longer matches the filter. */
  async function refreshRows(ids, mine) {
    const number = reads.next();
    const result = await api.conversations(query({ ids: ids.join(','), limit: ids.length }));
    if (mine !== generation) return true;
    if (!reads.apply(number)) {
      markChanged(ids);
      return true;
    }
    if (!result.ok) {
      markChanged(ids);
      return failed(result.error);
    }
    rows = replaceConversations(rows, ids, result.value).sort(newerFirst);
    draw();
    return true;
  }

  function markChanged(ids) {
    if (ids === undefined) changedAll = true;
    else for (const id of ids) changed.add(id);
  }

  async function loadMore() {
    const cursor = nextCursor(rows);
    if (!cursor) return;
    const mine = generation;
    const number = reads.next();
    const result = await whileBusy(more, () => api.conversations(query(cursor)));
    // A poll that dropped the loaded tail meanwhile: this page would follow rows no longer there.
    if (!result || mine !== generation || JSON.stringify(nextCursor(rows)) !== JSON.stringify(cursor)) return;
    if (!result.ok) return failed(result.error);
    const firstNew = rows.length;
    const focused = document.activeElement === more;
    rows = appendConversations(rows, result.value);
    exhausted = result.value.length < PAGE_SIZE;
    draw();
    sayCount();
    // A load or a change made in the thread applied meanwhile: this page may be older than what they knew of its rows,
    // and the stream's news of rows not loaded yet went with them. Its rows are read again.
    if (reads.isStale(number)) {
      markChanged(result.value.map((row) => row.id));
      void refresh();
    }
    // Hidden once everything is loaded: the focus goes on to the first row it brought, not to the top of the page.
    const brought = rows[firstNew];
    if (focused && more.hidden && brought) focusRow(brought.id);
  }

  function focusRow(id) {
    elements.get(id)?.item.firstElementChild?.focus();
  }

  /** Returns false, for the poller to back off. */
  function failed(error) {
    if (error.status !== 401) {
      notices.show({ key: 'list', tone: 'error', text: `Could not load conversations. ${describeError(error)}` });
    }
    return false;
  }

  /** Rows are kept by id and moved only when their place changed: a focused row keeps its focus. */
  function draw() {
    const wanted = new Set(rows.map((r) => r.id));
    for (const id of elements.keys()) if (!wanted.has(id)) elements.delete(id);
    const items = rows.map((row) => {
      let entry = elements.get(row.id);
      if (!entry) {
        entry = { item: h('li', {}), signature: '' };
        elements.set(row.id, entry);
      }
      const page = badges.size > 0 ? (badges.get(row.page_id) ?? row.page_id) : undefined;
      // The team's names are newer than a row loaded a while ago (renamed since, below the polled first page).
      const assignee = row.assignee_id ? (userNames.get(row.assignee_id) ?? row.assignee_name) : undefined;
      const signature = `${rowSignature(row)} ${page ?? ''} ${assignee ?? ''}`;
      if (entry.signature !== signature) {
        // A focused row drawn again keeps the focus: a keyboard user would be sent back to the top of the page.
        const focused = entry.item.contains(document.activeElement);
        replaceChildren(entry.item, renderConversationRow(row, { href: hrefFor(row.id), page, assignee }));
        if (focused) entry.item.firstElementChild?.focus({ preventScroll: true });
        entry.signature = signature;
      }
      // Its time as shown moves on by itself ("now", "5 min"): its text alone changes.
      setText(entry.item.querySelector('time'), shortTime(row.last_message_at));
      return entry.item;
    });
    placeInOrder(list, items);
    markSelected();
    empty.hidden = rows.length > 0;
    empty.textContent =
      filter.search || filter.routing || filter.flagged || filter.page_id || filter.assignee
        ? 'No conversation matches.'
        : 'No conversations yet.';
    more.hidden = exhausted || rows.length === 0;
  }

  function markSelected() {
    for (const [id, entry] of elements) {
      const link = entry.item.firstElementChild;
      if (!link) continue;
      if (id === selected) link.setAttribute('aria-current', 'true');
      else link.removeAttribute('aria-current');
    }
  }

  return {
    element,
    /** Loads the first page. */
    start: () => reload(),
    /** Resolves to false when the list could not be loaded. */
    refresh,
    /** The stream's news, for the next `refresh`: the ids of conversations that changed, or undefined for all. */
    markChanged,
    /** The pages, at sign-in and from each poll of them: a page added or renamed shows in the filter and the rows. */
    setPages(pages) {
      badges = pages.length > 1 ? new Map(pages.map((p) => [p.id, p.name ?? p.id])) : new Map();
      filters.setPages(pages);
      draw();
    },
    /** The team, as the inbox reads it with the pages: a user renamed is named so on every row. */
    setUsers(users) {
      userNames = new Map(users.map((user) => [user.id, user.name ?? user.email]));
      draw();
    },
    setSelected(id) {
      selected = id;
      markSelected();
    },
    focusRow,
    /**
     * A change made in the thread (routing, flag) shows at once, before the next poll; then the list loads again: a load
     * answered while the change was under way (the stream told of another) may be newer than it, and one answered after
     * it is dropped.
     */
    patch(id, changes) {
      reads.supersede();
      void refresh();
      const row = rows.find((r) => r.id === id);
      if (!row) return;
      Object.assign(row, changes);
      // A conversation taken over under "Handled by: Bot" leaves the list at once.
      rows = rows.filter((r) => matchesFilter(r, filter));
      draw();
    },
    /** Stops answers of earlier requests from drawing, and a search being typed (signed out). */
    close() {
      generation += 1;
      filters.close();
    },
  };
}
