import { h, icon } from './dom.js';
import { ATTACH } from './icons.js';

/**
 * An image that keeps its place when it cannot be loaded. Messenger copies a message's media to its own servers when
 * the page sends it; the emulator shows the sender's URL as given, which a machine without internet often cannot
 * reach (the sample shop's pictures in the demo). A tile naming the file stands in for the browser's broken image.
 */
export function picture(url, alt = '') {
  const img = h('img', { src: url, alt, loading: 'lazy' });
  img.addEventListener('error', () => img.replaceWith(missingPicture(url)), { once: true });
  return img;
}

function missingPicture(url) {
  const name = fileNameOf(url);
  return h(
    'span',
    {
      class: 'picture-missing',
      role: 'img',
      'aria-label': `Picture not loaded: ${name}`,
      title: url,
      dataset: { testid: 'picture-missing' },
    },
    icon(ATTACH, 'picture-missing__icon'),
    h('span', { class: 'picture-missing__name' }, name),
  );
}

function fileNameOf(url) {
  try {
    const { pathname, host } = new URL(url, location.href);
    return decodeURIComponent(pathname.split('/').filter(Boolean).pop() ?? '') || host;
  } catch {
    return url;
  }
}
