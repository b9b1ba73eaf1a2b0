/** Round avatars with an initials fallback when there is no picture or it fails to load. */
import { h } from './dom.js';

const COLOURS = ['#0084ff', '#44bec7', '#ffc300', '#fa3c4c', '#d696bb', '#6699cc', '#13cf13', '#ff7e29'];

/** `size` is in CSS pixels; `name` gives the initials, the colour and the alt text. */
export function avatar(url, name = '', size = 40, className = '') {
  const fallback = h(
    'span',
    {
      class: `avatar__initials`,
      style: { background: colourFor(name), fontSize: `${Math.round(size * 0.4)}px` },
      'aria-hidden': 'true',
    },
    initials(name),
  );
  const wrapper = h('span', {
    class: `avatar ${className}`.trim(),
    style: { width: `${size}px`, height: `${size}px` },
    role: 'img',
    'aria-label': name,
  });
  if (!url) {
    wrapper.append(fallback);
    return wrapper;
  }
  const img = h('img', { src: url, alt: '', width: size, height: size, loading: 'lazy' });
  img.addEventListener('error', () => img.replaceWith(fallback), { once: true });
  wrapper.append(img);
  return wrapper;
}

function initials(name) {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return (words.length > 1 ? words[0][0] + words[words.length - 1][0] : (words[0] ?? '?').slice(0, 2)).toUpperCase();
}

function colourFor(name) {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return COLOURS[hash % COLOURS.length];
}
