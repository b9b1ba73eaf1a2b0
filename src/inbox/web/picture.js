import { h } from './dom.js';

/**
 * A picture of a message that says so when it cannot be loaded, instead of the browser's broken image (or nothing, for
 * a card's). An assistant's pictures are shown from the URL it gave, which may be down, or out of this browser's reach
 * (the demo's sample shop).
 */
export function picture(url, alt) {
  const img = h('img', { src: url, alt, loading: 'lazy', referrerpolicy: 'no-referrer' });
  img.addEventListener('error', () => img.replaceWith(missingPicture(url)), { once: true });
  return img;
}

function missingPicture(url) {
  return h(
    'span',
    { class: 'picture-missing', title: url, dataset: { testid: 'picture-missing' } },
    `Picture not loaded: ${fileNameOf(url)}`,
  );
}

function fileNameOf(url) {
  try {
    const { pathname, host } = new URL(url);
    return decodeURIComponent(pathname.split('/').filter(Boolean).pop() ?? '') || host;
  } catch {
    return url;
  }
}
