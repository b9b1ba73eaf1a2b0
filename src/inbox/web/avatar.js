/** A round avatar with the person's initials (the API gives no picture), one colour per name. */
import { h } from './dom.js';
import { hueFor, initials } from './format.js';

export function avatar(name, className = '') {
  const el = h('span', { class: `avatar ${className}`.trim(), 'aria-hidden': 'true' }, initials(name));
  // Through the CSSOM: the Content-Security-Policy refuses style attributes, not this.
  el.style.setProperty('--avatar-hue', String(hueFor(name)));
  return el;
}
