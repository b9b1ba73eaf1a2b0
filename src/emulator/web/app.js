/**
 * The emulator's chat page: wires the sidebar, the thread, quick replies and the composer to the
 * control API. The selection lives in the URL (`?page=ID&person=ID`) so a reload or a test can
 * open a given conversation directly.
 */
import { createApi } from './api.js';
import { renderChatHeader, showPageBlock, showWindowState } from './chat-header.js';
import { createComposer } from './composer.js';
import { openConversation } from './conversation.js';
import { replaceChildren } from './dom.js';
import { createEditBar } from './edit.js';
import { fullName, iceBreakers, persistentMenu } from './profile.js';
import { renderQuickReplies } from './quick-replies.js';
import { LIKE_STICKER_ID, summary } from './render-message.js';
import { createReplyBar } from './reply.js';
import { previewKey, renderSidebar } from './sidebar.js';
import { createThreadView } from './thread.js';
import { bubbleItems, itemMid, liveQuickReplies } from './thread-model.js';
import { showError } from './toast.js';
import { renderIntro } from './welcome.js';

const api = createApi();
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
/** `generation`: the emulator's, as the last conversation stream told it (conversation.js). */
const app = {
  pages: [],
  people: [],
  pageId: params.get('page'),
  personId: params.get('person'),
  previews: new Map(),
  generation: undefined,
};
let conversation;
/** The PSID of the open conversation's thread. */
let openedPsid;
let dismissedQuickReplies;
let lastMarkedRead;

const thread = createThreadView({
  root: $('thread'),
  actions: {
    postback: (title, payload) => send({ postback: { title, payload } }),
    react: (item, name, emoji) =>
      send({ reaction: { mid: itemMid(item), action: name ? 'react' : 'unreact', reaction: name ?? 'other', emoji } }),
    reply: (item) => {
      stopEditing();
      replyBar.show(item, item.from === 'page' ? (current().page?.name ?? 'the page') : 'yourself');
      composer.focus();
    },
    edit: (item) => {
      if (!composer.startEdit(item.message?.text ?? '')) return;
      replyBar.cancel();
      editBar.show(item);
    },
  },
});
// Only what the person writes answers the message being replied to; quick replies and postbacks never do.
const composer = createComposer($('composer'), {
  onText: (text) => {
    const edit = editBar.take();
    if (!edit) return send({ text, ...replyBar.take() });
    composer.endEdit();
    // Messenger sends no edit that changes nothing.
    if (text !== edit.text) return send({ edit: { mid: edit.mid, text } }, 'Not edited');
  },
  onLike: () => send({ sticker_id: LIKE_STICKER_ID, ...replyBar.take() }),
  onFile: (file) => uploadAndSend(file, replyBar.take()),
  onGetStarted: () => send({ get_started: true }),
  onPostback: (title, payload) => send({ postback: { title, payload } }),
});
const replyBar = createReplyBar($('composer'), { onCancel: () => composer.focus() });
const editBar = createEditBar($('composer'), {
  onCancel: () => {
    composer.endEdit();
    composer.focus();
  },
});

function stopEditing() {
  if (editBar.take()) composer.endEdit();
}

async function loadState() {
  const result = await api.getState();
  if (!result.ok) return showError(`Could not reach the emulator: ${result.error}`);
  app.pages = result.value.pages ?? [];
  app.people = result.value.people ?? [];
  // A page or person the emulator no longer has (it restarted with other ids) gives way to the first one, through
  // select(), which opens that chat: the thread shown stays the one the composer writes to.
  const pageId = app.pages.some((p) => p.id === app.pageId) ? app.pageId : (app.pages[0]?.id ?? null);
  const personId = app.people.some((p) => p.id === app.personId) ? app.personId : (app.people[0]?.id ?? null);
  select({ pageId, personId });
}

function select({ pageId = app.pageId, personId = app.personId }) {
  const changed = pageId !== app.pageId || personId !== app.personId || !conversation;
  app.pageId = pageId;
  app.personId = personId;
  const url = new URL(location.href);
  url.search = new URLSearchParams(Object.entries({ page: pageId, person: personId }).filter(([, v]) => v)).toString();
  history.replaceState(null, '', url);
  renderSide();
  // The same page and person may have another PSID now (the emulator restarted and drew new ones): the open thread is
  // then no longer the one the composer writes to.
  if (changed || current().psid !== openedPsid) openSelected();
}

function renderSide() {
  renderSidebar($('sidebar'), {
    ...app,
    onPage: (pageId) => select({ pageId }),
    onPerson: (personId) => select({ personId }),
  });
}

function current() {
  const page = app.pages.find((p) => p.id === app.pageId);
  const person = app.people.find((p) => p.id === app.personId);
  return { page, person, psid: page && person?.psids?.[page.id] };
}

function openSelected() {
  conversation?.close();
  conversation = undefined;
  dismissedQuickReplies = undefined;
  replyBar.cancel();
  stopEditing();
  const { page, person, psid } = current();
  $('chat').hidden = !page;
  $('page-block').hidden = true;
  $('placeholder').hidden = Boolean(page);
  if (!page) return;
  renderChatHeader($('chat-header'), page, person);
  if (!psid) {
    replaceChildren($('notice'), `${fullName(person) || 'This person'} has no PSID on ${page.name}.`);
    $('notice').hidden = false;
    return;
  }
  $('notice').hidden = true;
  openedPsid = psid;
  conversation = openConversation({
    api,
    pageId: page.id,
    psid,
    onChange: render,
    onError: showError,
    onGeneration: (generation) => {
      const known = app.generation;
      app.generation = generation;
      if (known === undefined || known === generation) return;
      conversation?.close();
      conversation = undefined;
      // The emulator forgot every conversation (reset, or restarted), maybe while no stream of this page listened: the
      // chat list must not go on showing their last messages.
      app.previews.clear();
      loadState();
    },
  });
}

function render(snap) {
  const { page, person } = current();
  if (!page) return;
  const empty = bubbleItems(snap.items).length === 0;
  const welcome = empty && snap.loaded;
  const intro = {
    key: JSON.stringify([page, person, snap.profile, welcome]),
    render: () =>
      renderIntro({
        page,
        person,
        profile: snap.profile,
        empty: welcome,
        onIceBreaker: (question, payload) => send({ postback: { title: question, payload } }),
      }),
  };
  thread.update({ page, intro, items: snap.items, typing: snap.typing, now: snap.now() });
  renderQuickReplies(
    $('quick-replies'),
    liveQuickReplies(snap.items, dismissedQuickReplies),
    person,
    (item, text, payload) => {
      dismissedQuickReplies = item.id;
      render(snap);
      send({ text, quick_reply: { payload } });
    },
  );
  const menu = persistentMenu(snap.profile, person?.locale);
  // Ice breakers take Get Started's place, and leave the person free to type (messenger-platform.md §5).
  const showGetStarted =
    welcome && Boolean(snap.profile.get_started) && iceBreakers(snap.profile, person?.locale).length === 0;
  composer.setMode({ showGetStarted, menu });
  // The page's menu took the composer away (composer_input_disabled): a reply or an edit under way has nowhere to go.
  if (menu.inputDisabled) {
    replyBar.cancel();
    stopEditing();
  }
  showWindowState($('chat-header'), snap.windowOpen);
  showPageBlock($('page-block'), page, snap.pageBlock);
  const last = bubbleItems(snap.items).at(-1);
  const preview = last && `${last.from === 'person' ? 'You: ' : ''}${summary(last)}`;
  const key = previewKey(page.id, app.personId);
  if (preview && app.previews.get(key) !== preview) {
    app.previews.set(key, preview);
    renderSide();
  }
  markReadIfVisible(snap);
}

/** Tells the emulator the person has seen the page's messages, once per newest page message. */
function markReadIfVisible(snap) {
  if (document.visibilityState !== 'visible') return;
  const lastFromPage = bubbleItems(snap.items)
    .filter((i) => i.from === 'page')
    .at(-1);
  if (!lastFromPage || lastFromPage.status === 'read' || lastFromPage.id === lastMarkedRead) return;
  lastMarkedRead = lastFromPage.id;
  const { page, psid } = current();
  if (page && psid) api.markRead(page.id, psid).then((r) => r.ok || showError(`Could not mark as read: ${r.error}`));
}

/** `failure` heads the toast when the emulator refuses (an edit too late or one too many, a missing message). */
async function send(body, failure = 'Not sent') {
  const { page, psid } = current();
  if (!page || !psid) return;
  const result = await api.send(page.id, psid, body);
  if (!result.ok) showError(`${failure}: ${result.error}`);
}

/** `replyTo` is what the body adds when the file answers a message (see createReplyBar's `take`). */
async function uploadAndSend(file, replyTo) {
  const uploaded = await api.upload(file);
  if (!uploaded.ok) return showError(`Upload failed: ${uploaded.error}`);
  const kind = file.type.split('/')[0];
  const type = ['image', 'video', 'audio'].includes(kind) ? kind : 'file';
  await send({ attachments: [{ type, url: uploaded.value.url }], ...replyTo });
}

document.addEventListener('visibilitychange', () => {
  if (conversation) markReadIfVisible(conversation.snapshot());
});
window.addEventListener('focus', () => loadState());
loadState();
