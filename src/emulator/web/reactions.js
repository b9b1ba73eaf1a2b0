/**
 * Message reactions: the small smiley beside a page's bubble opens a picker of Messenger's
 * reactions; choosing the one already set removes it. Reactions show as a pill under the bubble.
 */
import { h, icon } from './dom.js';
import { SMILE } from './icons.js';
import { REACTION_EMOJI } from './thread-model.js';

/** `actions.react(item, name, emoji)`; `name` undefined means unreact. */
export function renderReactionTool(item, actions) {
  const picker = h(
    'div',
    { class: 'reaction-picker', role: 'menu', 'aria-label': 'Reactions', hidden: true },
    Object.entries(REACTION_EMOJI).map(([name, emoji]) =>
      h(
        'button',
        {
          type: 'button',
          role: 'menuitem',
          class: 'reaction-picker__choice',
          'aria-label': name,
          dataset: { testid: `react-${name}` },
          onclick: (e) => {
            const row = e.currentTarget.closest('.row');
            close();
            const mine = row?.dataset.myReaction;
            if (mine === emoji) actions.react(item, undefined, emoji);
            else actions.react(item, name, emoji);
          },
        },
        emoji,
      ),
    ),
  );
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'row__tool',
      'aria-label': 'React',
      'aria-haspopup': 'menu',
      'aria-expanded': 'false',
      dataset: { testid: 'react-button' },
      onclick: () => (picker.hidden ? open() : close()),
    },
    icon(SMILE),
  );
  const onOutside = (e) => {
    if (!tool.contains(e.target)) close();
  };
  const onKey = (e) => {
    if (e.key === 'Escape') {
      close();
      toggle.focus();
    }
  };
  function open() {
    picker.hidden = false;
    toggle.setAttribute('aria-expanded', 'true');
    tool.classList.add('reaction-tool--open');
    document.addEventListener('pointerdown', onOutside);
    tool.addEventListener('keydown', onKey);
    picker.querySelector('button')?.focus();
  }
  function close() {
    picker.hidden = true;
    toggle.setAttribute('aria-expanded', 'false');
    tool.classList.remove('reaction-tool--open');
    document.removeEventListener('pointerdown', onOutside);
    tool.removeEventListener('keydown', onKey);
  }
  const tool = h('div', { class: 'reaction-tool' }, toggle, picker);
  return tool;
}

/** The pill of emoji under a bubble, or nothing. `reactions` is `Map<from, emoji>`. */
export function renderReactions(reactions) {
  if (!reactions || reactions.size === 0) return null;
  const emojis = [...new Set(reactions.values())];
  return h(
    'span',
    { class: 'reaction-pill', dataset: { testid: 'reactions' }, 'aria-label': `Reactions: ${emojis.join(' ')}` },
    emojis.join(''),
    reactions.size > 1 ? h('span', { class: 'reaction-pill__count' }, String(reactions.size)) : null,
  );
}
