import { escapeHtml } from './oauth-dialog-page.ts';
import { LIKE_STICKER_ID } from './platform-constants.ts';

const COLOURS = ['#0084ff', '#44bec7', '#ffc300', '#fa3c4c', '#d696bb', '#6699cc', '#13cf13', '#ff7e29'];

/** A round avatar with initials, coloured by id, for people and pages without a picture. */
export function avatarSvg(name: string, id: string): string {
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => [...word][0]?.toUpperCase() ?? '')
    .join('');
  const colour = COLOURS[[...id].reduce((sum, digit) => sum + digit.charCodeAt(0), 0) % COLOURS.length];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><circle cx="48" cy="48" r="48" fill="${colour}"/><text x="48" y="60" font-family="Helvetica,Arial,sans-serif" font-size="36" font-weight="bold" fill="#fff" text-anchor="middle">${escapeHtml(initials)}</text></svg>`;
}

/** The like thumbs-up for 369239263222822; a smiley for any other sticker id. */
export function stickerSvg(id: string): string {
  if (id === LIKE_STICKER_ID) {
    return '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 24 24"><path fill="#0084ff" d="M2 21h4V9H2v12zm20-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L13.17 1 6.59 7.59C6.22 7.95 6 8.45 6 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z"/></svg>';
  }
  return '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><circle cx="48" cy="48" r="44" fill="#ffc300"/><circle cx="34" cy="38" r="6" fill="#333"/><circle cx="62" cy="38" r="6" fill="#333"/><path d="M28 58q20 20 40 0" stroke="#333" stroke-width="6" fill="none" stroke-linecap="round"/></svg>';
}
