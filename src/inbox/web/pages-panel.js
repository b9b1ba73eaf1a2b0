/**
 * The pages of the gateway with their health and the sends that failed for good in the last 24 hours, the button
 * that connects more through Facebook Login (`POST /api/oauth/facebook/start` answers the dialog's URL), and for
 * admins each page's settings.
 */
import { safeUrl } from './content.js';
import { h, placeInOrder, replaceChildren } from './dom.js';
import { describeError, describeFailures, describeHealth, describeUpkeep, fullTime } from './format.js';
import { createPageSettingsForm } from './page-settings-form.js';
import { createReadOrder } from './read-order.js';

export const PAGES_POLL_MS = 15_000;

/**
 * `navigate(url)` leaves for Facebook's dialog (`location.assign`, replaced in tests). `onPages(pages)` is given each
 * list of pages a refresh brings, to draw (`draw`) and to name pages elsewhere. `isAdmin`: only admins connect pages
 * and change their settings. `below`: shown under the pages (the dead letters).
 */
export function createPagesPanel({ api, notices, onPages, isAdmin, below, navigate = (url) => location.assign(url) }) {
  const list = h('ul', { class: 'pages', dataset: { testid: 'pages-list' } });
  const connectStatus = h('p', { class: 'connect-status', role: 'status', dataset: { testid: 'connect-status' } });
  const connect = h(
    'button',
    { type: 'button', class: 'button button--primary', dataset: { testid: 'connect-page' }, onclick: startConnect },
    'Connect a Facebook Page',
  );
  // Shown when several apps are configured: Facebook Login connects pages through one of them.
  const appPicker = h('select', {
    class: 'connect-app',
    'aria-label': 'Facebook app to connect pages through',
    dataset: { testid: 'connect-app' },
    hidden: true,
  });
  /** The configured apps (`[{id}]`), once loaded. */
  let apps = [];
  let drawnPages = [];
  let admin = isAdmin;
  /** The settings forms open, by page id: kept as the pages are drawn again, with what is typed in them. */
  const openSettings = new Map();
  /** Each page's list item, drawn again only when the page changed. */
  const rows = new Map();
  const reads = createReadOrder();
  const connectArea = h('div', { class: 'pages-panel__connect', hidden: !admin }, appPicker, connect);
  const element = h(
    'section',
    { class: 'pages-panel', 'aria-labelledby': 'pages-title', dataset: { testid: 'pages-panel' } },
    h('div', { class: 'pages-panel__head' }, h('h2', { id: 'pages-title' }, 'Pages'), connectArea),
    connectStatus,
    list,
    below,
  );

  async function startConnect() {
    // Busy, not disabled: a disabled button loses the keyboard focus.
    if (connect.getAttribute('aria-disabled') === 'true') return;
    connect.setAttribute('aria-disabled', 'true');
    connectStatus.textContent = 'Opening Facebook Login…';
    const result = await checkedStart(appPicker.hidden ? undefined : appPicker.value);
    const url = result.ok ? safeUrl(result.value.url) : undefined;
    if (url) {
      navigate(url);
      return;
    }
    connect.removeAttribute('aria-disabled');
    if (result.ok) connectStatus.textContent = 'The gateway gave no Facebook Login address.';
    else if (result.error.status === 404)
      connectStatus.textContent = 'Connecting pages is not available on this gateway.';
    else if (result.error.status !== 401)
      connectStatus.textContent = `Could not start connecting pages. ${describeError(result.error)}`;
    else connectStatus.textContent = '';
  }

  /**
   * The start request goes with the browser's credentials, since its answer sets the cookie that binds the login to
   * this browser; and a 401 with `WWW-Authenticate` to such a request opens the browser's password dialog. So the
   * session is checked first by a request without them: an ended session signs out, and no dialog shows.
   */
  async function checkedStart(appId) {
    const check = await api.pages();
    return check.ok ? api.startConnect(appId) : check;
  }

  /**
   * Resolves to false when the pages could not be loaded. The polls, the view opened and a settings form saved overlap:
   * an answer older than the newest one applied is dropped, so a page's settings just saved never flip back.
   */
  async function refresh() {
    // Apps change only with the configuration, at a restart: loaded once.
    if (apps.length === 0) {
      const loaded = await api.apps();
      if (loaded.ok) {
        apps = loaded.value;
        drawApps();
      }
    }
    const mine = reads.next();
    const result = await api.pages();
    if (!reads.apply(mine)) return true;
    if (!result.ok) {
      if (result.error.status !== 401) {
        notices.show({ key: 'pages', tone: 'error', text: `Could not load the pages. ${describeError(result.error)}` });
      }
      return false;
    }
    notices.clear('pages');
    onPages(result.value);
    return true;
  }

  /** One choice per app, named by its pages (an app id alone says little). */
  function drawApps() {
    appPicker.hidden = apps.length < 2;
    const chosen = appPicker.value;
    replaceChildren(
      appPicker,
      apps.map((app) => {
        const names = drawnPages.filter((page) => page.app_id === app.id).map((page) => page.name ?? page.id);
        return h(
          'option',
          { value: app.id },
          names.length > 0 ? `App ${app.id}: ${names.join(', ')}` : `App ${app.id}`,
        );
      }),
    );
    if (chosen) appPicker.value = chosen;
  }

  function draw(pages) {
    drawnPages = pages;
    drawApps();
    if (pages.length === 0) {
      rows.clear();
      replaceChildren(
        list,
        h('li', { class: 'empty' }, 'No page yet: connect one, or configure one in switchboard.yaml.'),
      );
      return;
    }
    const wanted = new Set(pages.map((page) => page.id));
    for (const id of openSettings.keys()) if (!wanted.has(id)) openSettings.delete(id);
    for (const id of rows.keys()) if (!wanted.has(id)) rows.delete(id);
    const items = pages.map((page) => {
      let row = rows.get(page.id);
      if (!row) {
        const summary = h('div', { class: 'page__summary' });
        const item = h('li', { class: 'page', dataset: { testid: 'page-row', id: page.id } }, summary);
        row = { item, summary, signature: '' };
        rows.set(page.id, row);
      }
      // Drawn again only when it changed, and its open settings never: a poll moves neither the focus nor what is typed.
      const form = admin ? openSettings.get(page.id)?.element : undefined;
      const signature = `${JSON.stringify(page)} ${admin} ${form !== undefined}`;
      if (row.signature !== signature) {
        row.item.dataset.health = page.health;
        replaceChildren(row.summary, renderPage(page, admin && settingsToggle(page)));
        row.signature = signature;
      }
      if (form && form.parentNode !== row.item) row.item.append(form);
      for (const other of row.item.querySelectorAll(':scope > form')) if (other !== form) other.remove();
      return row.item;
    });
    placeInOrder(list, items);
  }

  /** Opens and closes the page's settings (closed, what was typed and not saved is dropped). */
  function settingsToggle(page) {
    const open = openSettings.has(page.id);
    return h(
      'button',
      {
        type: 'button',
        class: 'button',
        'aria-expanded': String(open),
        dataset: { testid: 'page-settings-toggle' },
        onclick() {
          if (open) openSettings.delete(page.id);
          else openSettings.set(page.id, createPageSettingsForm({ api, page, onSaved: () => void refresh() }));
          draw(drawnPages);
          // Drawn afresh: the focus stays on this page's button.
          rows.get(page.id)?.item.querySelector('[data-testid="page-settings-toggle"]')?.focus();
        },
      },
      open ? 'Close settings' : 'Settings',
    );
  }

  /** The button as it was before leaving for Facebook: the browser's Back button may restore the page as it left it. */
  function reset() {
    connect.removeAttribute('aria-disabled');
    connectStatus.textContent = '';
  }

  /** Only admins connect pages and change their settings: the controls follow the signed-in user's role. */
  function setAdmin(is) {
    admin = is;
    connectArea.hidden = !is;
    if (!is) openSettings.clear();
    draw(drawnPages);
  }

  return { element, refresh, draw, reset, setAdmin };
}

/** What a page's item shows; `settingsToggle`: the button that opens its settings, for admins. */
function renderPage(page, settingsToggle) {
  const health = describeHealth(page.health);
  const failures = describeFailures(page.send_failures_24h);
  return [
    h(
      'div',
      { class: 'page__head' },
      h('h3', { class: 'page__name' }, page.name ?? page.id),
      h('span', { class: `badge tone-${health.tone}`, dataset: { testid: 'page-health' } }, health.label),
      settingsToggle && h('span', { class: 'page__actions' }, settingsToggle),
    ),
    h('p', { class: 'page__meta' }, `Page ${page.id}`, page.source ? ` · from ${page.source}` : ''),
    renderUpkeep('Webhooks', page.subscription_status, 'Subscribed', 'page-subscription'),
    renderUpkeep('Messenger profile', page.profile_sync_status, 'In sync with the configuration', 'page-profile'),
    page.health !== 'ok' &&
      h(
        'p',
        { class: 'page__detail' },
        page.health_detail ?? 'The last send failed for good.',
        page.health_at ? ` (${fullTime(page.health_at)})` : '',
      ),
    page.policy_warning &&
      h(
        'p',
        { class: 'page__warning tone-warning', dataset: { testid: 'page-policy-warning' } },
        `Meta warned this page about its messaging (${fullTime(page.policy_warning.at)}), the step before a block`,
        page.policy_warning.reason ? `: ${page.policy_warning.reason}` : '.',
      ),
    h(
      'div',
      { class: 'page__failures', dataset: { testid: 'page-failures' } },
      h('span', {}, 'Failed sends, last 24 hours: '),
      failures.length === 0
        ? h('span', {}, 'none')
        : h(
            'ul',
            { class: 'failure-list' },
            failures.map((f) => h('li', { dataset: { kind: f.kind } }, `${f.label}: ${f.count}`)),
          ),
    ),
  ];
}

/** A line on a piece of the page's upkeep: how its last try went, when, and Graph's words when it failed. */
function renderUpkeep(name, status, done, testid) {
  const shown = describeUpkeep(status, done);
  if (!shown) return false;
  return h(
    'p',
    { class: 'page__upkeep', dataset: { testid } },
    h('span', {}, `${name}: `),
    h('span', { class: `badge tone-${shown.tone}` }, shown.label),
    h('span', { class: 'page__when' }, ` ${fullTime(status.at)}`),
    status.detail && h('span', { class: 'page__detail' }, ` ${status.detail}`),
  );
}
