/**
 * A tiny element builder, so the inbox never needs innerHTML: every text from the API goes in as a text node.
 * `h('button', {class: 'x', onclick: fn, dataset: {testid: 'y'}}, 'label')`. Props starting with `on` become
 * listeners; `dataset` is merged; `false`, `null` and `undefined` props and children are skipped.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'class') el.className = value;
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces every child of `el`. */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/**
 * Makes `items` (elements, in order) the children of `list`, moving only what is out of place and removing the rest:
 * an element kept from the last draw keeps its focus and what is typed in it.
 */
export function placeInOrder(list, items) {
  items.forEach((item, index) => {
    if (list.children[index] !== item) list.insertBefore(item, list.children[index] ?? null);
  });
  while (list.children.length > items.length) list.lastElementChild.remove();
}

/**
 * Asks again in place: a click on `ask` hides it and shows `shown` (a confirm button and `cancel`, or a form holding
 * it), with the focus on `focus`; `cancel` puts `ask` back. Returns `asking(on, {focus})` for the caller to end it.
 */
export function askInPlace({ ask, shown, focus, cancel }) {
  const asking = (on, { focus: moveFocus = true } = {}) => {
    ask.hidden = on;
    for (const element of shown) element.hidden = !on;
    if (moveFocus) (on ? focus : ask).focus();
  };
  ask.addEventListener('click', () => asking(true));
  cancel.addEventListener('click', () => asking(false));
  return asking;
}

/** A fresh id for an element that a label or `aria-describedby` points at. */
let counter = 0;
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Sets `el`'s text when it differs: an unchanged node is left alone (screen readers announce changed ones). */
export function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

/**
 * Runs `work` with `button` marked busy: `aria-disabled`, and clicks ignored meanwhile. Unlike `disabled`, it keeps
 * the keyboard focus, which the browser would send back to the top of the page.
 */
export async function whileBusy(button, work) {
  if (button.getAttribute('aria-disabled') === 'true') return undefined;
  button.setAttribute('aria-disabled', 'true');
  try {
    return await work();
  } finally {
    button.removeAttribute('aria-disabled');
  }
}
