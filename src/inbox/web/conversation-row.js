/**
 * One row of the conversation list: the person, the last message and its time, how many of the person's messages the
 * signed-in user has not read, who handles it, whose it is, the flag, the page.
 */
import { avatar } from './avatar.js';
import { h } from './dom.js';
import { describeFlag, describeRouting, fullTime, personName, shortTime } from './format.js';

/**
 * `page`: the page's name for its badge, or undefined when there is one page only. `assignee`: the name of the user
 * it is assigned to, as the inbox knows them now.
 */
export function renderConversationRow(row, { href, page, assignee }) {
  const name = personName(row);
  const routing = describeRouting(row);
  return h(
    'a',
    {
      class: `conversation${row.flagged ? ' conversation--flagged' : ''}${row.unread > 0 ? ' conversation--unread' : ''}`,
      href,
      dataset: { testid: 'conversation', id: row.id, routing: row.routing, flagged: String(row.flagged) },
    },
    avatar(name, { picture: row.profile_pic }),
    h(
      'span',
      { class: 'conversation__body' },
      h(
        'span',
        { class: 'conversation__top' },
        h('span', { class: 'conversation__name', dir: 'auto', dataset: { testid: 'conversation-name' } }, name),
        h(
          'time',
          { datetime: new Date(row.last_message_at).toISOString(), title: fullTime(row.last_message_at) },
          shortTime(row.last_message_at),
        ),
      ),
      h(
        'span',
        { class: 'conversation__middle' },
        h('span', { class: 'conversation__preview', dir: 'auto' }, row.last_text ?? ''),
        row.unread > 0 &&
          h(
            'span',
            { class: 'unread', dataset: { testid: 'unread' } },
            describeUnread(row.unread),
            h('span', { class: 'visually-hidden' }, ' unread'),
          ),
      ),
      h(
        'span',
        { class: 'conversation__badges' },
        h(
          'span',
          { class: `badge badge--${row.routing}`, dataset: { testid: 'routing-badge' }, title: routing.description },
          routing.label,
        ),
        assignee &&
          h(
            'span',
            { class: 'badge badge--assignee', dataset: { testid: 'assignee-badge' } },
            `Assigned to ${assignee}`,
          ),
        row.flagged &&
          h(
            'span',
            { class: 'badge badge--flag', dataset: { testid: 'flag-badge' }, title: describeFlag(row.flag_reason) },
            `Flagged${row.flag_reason ? `: ${describeFlag(row.flag_reason)}` : ''}`,
          ),
        page !== undefined && h('span', { class: 'badge badge--page', dataset: { testid: 'page-badge' } }, page),
      ),
    ),
  );
}

/** The API counts up to 100: past 99 the badge says so. */
function describeUnread(count) {
  return count > 99 ? '99+' : String(count);
}
