/**
 * The pages of the gateway with their health and the sends that failed for good in the last 24 hours, and the
 * button that connects more through Facebook Login (`POST /api/oauth/facebook/start` answers the dialog's URL).
 */
import { safeUrl } from './content.js';
import { h, replaceChildren } from './dom.js';
import { describeError, describeFailures, describeHealth, describeUpkeep, fullTime } from './format.js';

export const PAGES_POLL_MS = 15_000;

/**
 * `navigate(url)` leaves for Facebook's dialog (`location.assign`, replaced in tests). `onPages(pages)` is given each
 * list of pages a refresh brings, to draw (`draw`) and to name pages elsewhere. `canConnect`: only admins connect pages.
 */
export function createPagesPanel({ api, notices, onPages, canConnect, navigate = (url) => location.assign(url) }) {
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
  const connectArea = h('div', { class: 'pages-panel__connect', hidden: !canConnect }, appPicker, connect);
  const element = h(
    'section',
    { class: 'pages-panel', 'aria-labelledby': 'pages-title', dataset: { testid: 'pages-panel' } },
    h('div', { class: 'pages-panel__head' }, h('h2', { id: 'pages-title' }, 'Pages'), connectArea),
    connectStatus,
    list,
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

  /** Resolves to false when the pages could not be loaded. */
  async function refresh() {
    // Apps change only with the configuration, at a restart: loaded once.
    if (apps.length === 0) {
      const loaded = await api.apps();
      if (loaded.ok) {
        apps = loaded.value;
        drawApps();
      }
    }
    const result = await api.pages();
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
      replaceChildren(
        list,
        h('li', { class: 'empty' }, 'No page yet: connect one, or configure one in switchboard.yaml.'),
      );
      return;
    }
    replaceChildren(list, pages.map(renderPage));
  }

  /** The button as it was before leaving for Facebook: the browser's Back button may restore the page as it left it. */
  function reset() {
    connect.removeAttribute('aria-disabled');
    connectStatus.textContent = '';
  }

  /** Only admins connect pages: the button follows the signed-in user's role. */
  function setCanConnect(can) {
    connectArea.hidden = !can;
  }

  return { element, refresh, draw, reset, setCanConnect };
}

function renderPage(page) {
  const health = describeHealth(page.health);
  const failures = describeFailures(page.send_failures_24h);
  return h(
    'li',
    { class: 'page', dataset: { testid: 'page-row', id: page.id, health: page.health } },
    h(
      'div',
      { class: 'page__head' },
      h('h3', { class: 'page__name' }, page.name ?? page.id),
      h('span', { class: `badge tone-${health.tone}`, dataset: { testid: 'page-health' } }, health.label),
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
  );
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
