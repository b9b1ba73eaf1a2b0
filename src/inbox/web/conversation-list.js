/**
 * The conversation list: filters (page, routing, flagged), rows newest first, "load more", and a poll every few
 * seconds that updates rows in place, so the selection, the focus and the scroll position stay where they were.
 */
import { avatar } from './avatar.js';
import { h, replaceChildren } from './dom.js';
import { describeError, fullTime, personName, ROUTING, routingLabel, shortTime } from './format.js';
import { appendConversations, matchesFilter, mergeConversations, nextCursor, rowSignature } from './list-model.js';

const PAGE_SIZE = 50;
export const LIST_POLL_MS = 4_000;

/** `pages`: the pages from the API (for the filter and the rows' page names). `hrefFor(id)`: a row's link. */
export function createConversationList({ api, pages, hrefFor, notices }) {
  const filter = { page_id: '', routing: '', flagged: false };
  let rows = [];
  let exhausted = false;
  let generation = 0;
  /** Polls overlap with each other and with changes made in the thread: an answer older than those is dropped. */
  let issued = 0;
  let applied = 0;
  let selected;
  const elements = new Map();
  const pageNames = new Map(pages.map((p) => [p.id, p.name ?? p.id]));

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
    renderFilters(),
    h('div', { class: 'list-scroll', dataset: { testid: 'list-scroll' } }, list, empty, more),
    status,
  );

  function renderFilters() {
    const onChange = (key, read) => (event) => {
      filter[key] = read(event.target);
      void reload();
    };
    const pageSelect = h(
      'select',
      { name: 'page', dataset: { testid: 'filter-page' }, onchange: onChange('page_id', (el) => el.value) },
      h('option', { value: '' }, 'All pages'),
      pages.map((p) => h('option', { value: p.id }, p.name ?? p.id)),
    );
    const routingSelect = h(
      'select',
      { name: 'routing', dataset: { testid: 'filter-routing' }, onchange: onChange('routing', (el) => el.value) },
      h('option', { value: '' }, 'Anyone'),
      Object.entries(ROUTING).map(([value, r]) => h('option', { value }, `${r.label}`)),
    );
    const flagged = h('input', {
      type: 'checkbox',
      name: 'flagged',
      dataset: { testid: 'filter-flagged' },
      onchange: onChange('flagged', (el) => el.checked),
    });
    return h(
      'form',
      { class: 'filters', 'aria-label': 'Filter conversations', onsubmit: (e) => e.preventDefault() },
      h('label', { class: 'filters__field', hidden: pages.length < 2 }, h('span', {}, 'Page'), pageSelect),
      h('label', { class: 'filters__field' }, h('span', {}, 'Handled by'), routingSelect),
      h('label', { class: 'filters__check' }, flagged, h('span', {}, 'Flagged only')),
    );
  }

  const query = (extra) => ({
    page_id: filter.page_id || undefined,
    routing: filter.routing || undefined,
    flagged: filter.flagged ? 'true' : undefined,
    limit: PAGE_SIZE,
    ...extra,
  });

  /** From the top, after a filter changed. */
  async function reload() {
    generation += 1;
    rows = [];
    exhausted = false;
    elements.clear();
    list.replaceChildren();
    await refresh();
    status.textContent = `${rows.length} conversation${rows.length === 1 ? '' : 's'}${exhausted ? '' : ' shown'}`;
  }

  /** The newest page again, merged into what is loaded (a poll). */
  async function refresh() {
    const mine = generation;
    const number = ++issued;
    const result = await api.conversations(query());
    if (mine !== generation || number < applied) return;
    applied = number;
    if (!result.ok) return failed(result.error);
    notices.clear('list');
    rows = mergeConversations(rows, result.value, { limit: PAGE_SIZE, filter });
    // A full page that dropped the loaded tail leaves more to load.
    if (result.value.length < PAGE_SIZE) exhausted = true;
    else if (rows.length === result.value.length) exhausted = false;
    draw();
  }

  async function loadMore() {
    const cursor = nextCursor(rows);
    if (!cursor) return;
    more.disabled = true;
    const mine = generation;
    const result = await api.conversations(query(cursor));
    more.disabled = false;
    if (mine !== generation) return;
    if (!result.ok) return failed(result.error);
    rows = appendConversations(rows, result.value);
    exhausted = result.value.length < PAGE_SIZE;
    draw();
  }

  function failed(error) {
    if (error.status === 401) return;
    notices.show({ key: 'list', tone: 'error', text: `Could not load conversations. ${describeError(error)}` });
  }

  /** Rows are kept by id and moved only when their place changed: a focused row keeps its focus. */
  function draw() {
    const wanted = new Set(rows.map((r) => r.id));
    for (const [id, entry] of elements) {
      if (!wanted.has(id)) {
        entry.item.remove();
        elements.delete(id);
      }
    }
    rows.forEach((row, index) => {
      let entry = elements.get(row.id);
      if (!entry) {
        entry = { item: h('li', {}), signature: '' };
        elements.set(row.id, entry);
      }
      const signature = rowSignature(row);
      if (entry.signature !== signature) {
        replaceChildren(entry.item, renderRow(row));
        entry.signature = signature;
      }
      if (list.children[index] !== entry.item) list.insertBefore(entry.item, list.children[index] ?? null);
    });
    markSelected();
    empty.hidden = rows.length > 0;
    empty.textContent =
      filter.routing || filter.flagged || filter.page_id ? 'No conversation matches.' : 'No conversations yet.';
    more.hidden = exhausted || rows.length === 0;
  }

  function renderRow(row) {
    const name = personName(row);
    const link = h(
      'a',
      {
        class: `conversation${row.flagged ? ' conversation--flagged' : ''}`,
        href: hrefFor(row.id),
        dataset: { testid: 'conversation', id: row.id, routing: row.routing, flagged: String(row.flagged) },
      },
      avatar(name),
      h(
        'span',
        { class: 'conversation__body' },
        h(
          'span',
          { class: 'conversation__top' },
          h('span', { class: 'conversation__name', dataset: { testid: 'conversation-name' } }, name),
          h(
            'time',
            { datetime: new Date(row.last_message_at).toISOString(), title: fullTime(row.last_message_at) },
            shortTime(row.last_message_at),
          ),
        ),
        h('span', { class: 'conversation__preview' }, row.last_text ?? ''),
        h(
          'span',
          { class: 'conversation__badges' },
          h(
            'span',
            { class: `badge badge--${row.routing}`, dataset: { testid: 'routing-badge' } },
            routingLabel(row.routing),
          ),
          row.flagged &&
            h(
              'span',
              { class: 'badge badge--flag', dataset: { testid: 'flag-badge' }, title: row.flag_reason ?? '' },
              `Flagged${row.flag_reason ? `: ${row.flag_reason}` : ''}`,
            ),
          pages.length > 1 && h('span', { class: 'badge badge--page' }, pageNames.get(row.page_id) ?? row.page_id),
        ),
      ),
    );
    return link;
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
    refresh,
    setSelected(id) {
      selected = id;
      markSelected();
    },
    /** A change made in the thread (routing, flag) shows at once, before the next poll. */
    patch(id, changes) {
      applied = ++issued;
      const row = rows.find((r) => r.id === id);
      if (!row) return;
      Object.assign(row, changes);
      // A conversation taken over under "Handled by: Bot" leaves the list at once.
      rows = rows.filter((r) => matchesFilter(r, filter));
      draw();
    },
    /** Stops answers of earlier requests from drawing (signed out). */
    close() {
      generation += 1;
    },
  };
}
