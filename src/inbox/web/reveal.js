/**
 * Taking the reader to a message of the thread (the one a reply quotes): the log scrolls it to its middle, it is
 * highlighted a moment, and it takes the focus, so a keyboard or screen reader goes on from there.
 */
const HIGHLIGHT_MS = 1_500;
const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');

/** `reveal(el)` for the messages of `scroller`; a second reveal ends the first one's highlight. */
export function createRevealer(scroller) {
  let lit;
  let timer;
  const unlight = () => lit?.classList.remove('message--highlighted');

  return function reveal(el) {
    clearTimeout(timer);
    unlight();
    const top = el.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
    // A message taller than the log shows from its top.
    const margin = Math.max(0, (scroller.clientHeight - el.offsetHeight) / 2);
    scroller.scrollTo({ top: top - margin, behavior: reducedMotion.matches ? 'auto' : 'smooth' });
    el.classList.add('message--highlighted');
    el.setAttribute('tabindex', '-1');
    el.focus({ preventScroll: true });
    lit = el;
    timer = setTimeout(unlight, HIGHLIGHT_MS);
  };
}
