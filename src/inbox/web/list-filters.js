/**
 * The conversation list's filters: a search of names and messages, page (shown when there are several), who handles
 * it, whose it is, flagged only.
 */
import { h, replaceChildren } from './dom.js';
import { ROUTING } from './format.js';

/** Typing pauses this long before the list is searched again. */
const SEARCH_PAUSE_MS = 300;

/**
 * `filter` (`{search, page_id, routing, flagged, assignee}`) is changed in place; `changed()` follows each change. `me`:
 * the signed-in user, whose id the "Mine" choice filters by.
 */
export function createListFilters({ filter, me, changed }) {
  const onChange = (key, read) => (event) => {
    filter[key] = read(event.target);
    changed();
  };
  let typing;
  /** Searches for what the box holds (Enter, or typing paused); the same text twice is one search. */
  const search = () => {
    clearTimeout(typing);
    const text = searchInput.value.trim();
    if (text === filter.search) return;
    filter.search = text;
    changed();
  };
  const searchInput = h('input', {
    type: 'search',
    name: 'q',
    placeholder: 'Name or message',
    maxlength: '200',
    autocomplete: 'off',
    dataset: { testid: 'filter-search' },
    oninput: () => {
      clearTimeout(typing);
      typing = setTimeout(search, SEARCH_PAUSE_MS);
    },
  });
  const pageSelect = h('select', {
    name: 'page',
    dataset: { testid: 'filter-page' },
    onchange: onChange('page_id', (el) => el.value),
  });
  const pageField = h('label', { class: 'filters__field', hidden: true }, h('span', {}, 'Page'), pageSelect);
  const routingSelect = h(
    'select',
    { name: 'routing', dataset: { testid: 'filter-routing' }, onchange: onChange('routing', (el) => el.value) },
    h('option', { value: '' }, 'Anyone'),
    Object.entries(ROUTING).map(([value, r]) => h('option', { value }, r.label)),
  );
  const assigneeSelect = h(
    'select',
    { name: 'assignee', dataset: { testid: 'filter-assignee' }, onchange: onChange('assignee', (el) => el.value) },
    h('option', { value: '' }, 'Anyone'),
    h('option', { value: me.id }, 'Mine'),
    h('option', { value: 'none' }, 'Nobody'),
  );
  const flagged = h('input', {
    type: 'checkbox',
    name: 'flagged',
    dataset: { testid: 'filter-flagged' },
    onchange: onChange('flagged', (el) => el.checked),
  });
  const element = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      'aria-label': 'Filter conversations',
      onsubmit: (e) => {
        e.preventDefault();
        search();
      },
    },
    h('label', { class: 'filters__field filters__search' }, h('span', {}, 'Search'), searchInput),
    pageField,
    h('label', { class: 'filters__field' }, h('span', {}, 'Handled by'), routingSelect),
    h('label', { class: 'filters__field' }, h('span', {}, 'Assigned to'), assigneeSelect),
    h('label', { class: 'filters__check' }, flagged, h('span', {}, 'Flagged only')),
  );

  /**
   * The page choices, as the latest list of pages has them; the chosen page stays chosen. A chosen page that is gone
   * would filter the list by a choice the select cannot show: the filter goes back to all pages.
   */
  function setPages(pages) {
    const vanished = filter.page_id !== '' && !pages.some((p) => p.id === filter.page_id);
    if (vanished) filter.page_id = '';
    replaceChildren(
      pageSelect,
      h('option', { value: '' }, 'All pages'),
      pages.map((p) => h('option', { value: p.id }, p.name ?? p.id)),
    );
    pageSelect.value = filter.page_id;
    pageField.hidden = pages.length < 2 && !filter.page_id;
    if (vanished) changed();
  }

  return {
    element,
    setPages,
    /** A search typed and not run yet is dropped. */
    close: () => clearTimeout(typing),
  };
}
