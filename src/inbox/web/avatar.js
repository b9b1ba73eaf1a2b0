/** A round avatar: the person's picture when Graph gave one, over their initials in one colour per name. */
import { safeUrl } from './content.js';
import { h } from './dom.js';
import { hueFor, initials } from './format.js';

export function avatar(name, { className = '', picture } = {}) {
  const el = h('span', { class: `avatar ${className}`.trim(), 'aria-hidden': 'true' }, initials(name));
  // Through the CSSOM: the Content-Security-Policy refuses style attributes, not this.
  el.style.setProperty('--avatar-hue', String(hueFor(name)));
  const src = safeUrl(picture);
  if (src) {
    // Profile pictures expire (Graph gives signed URLs): a broken one leaves the initials showing.
    const img = h('img', { class: 'avatar__picture', src, alt: '', referrerpolicy: 'no-referrer' });
    img.addEventListener('error', () => img.remove());
    el.append(img);
  }
  return el;
}
