/**
 * Template attachments (messenger-platform.md §3.6): button template, generic template as one card
 * or a horizontally scrolling carousel, media template. `actions.postback(title, payload)` runs
 * when a postback button is tapped; `web_url` buttons are plain links to a new tab.
 */
import { h, icon } from './dom.js';
import { CHEVRON_LEFT, CHEVRON_RIGHT, LINK } from './icons.js';
import { picture } from './picture.js';

/** The element for one template payload; unknown template types show as a muted note. */
export function renderTemplate(payload, actions) {
  switch (payload.template_type) {
    case 'button':
      return h(
        'div',
        { class: 'button-template', dataset: { testid: 'button-template' } },
        h('div', { class: 'button-template__text' }, payload.text ?? ''),
        renderButtons(payload.buttons, actions),
      );
    case 'generic':
      return renderGeneric(payload, actions);
    case 'media':
      return renderMediaTemplate(payload.elements?.[0] ?? {}, actions);
    default:
      return h('div', { class: 'bubble bubble--muted' }, `${payload.template_type ?? 'Unknown'} template`);
  }
}

/** Stacked buttons as in Messenger's templates and persistent menu. */
export function renderButtons(buttons, actions) {
  if (!Array.isArray(buttons) || buttons.length === 0) return null;
  return h(
    'div',
    { class: 'tpl-buttons' },
    buttons.map((b) => renderButton(b, actions)),
  );
}

/**
 * One button: postback → a real button calling `actions.postback`; web_url → a link to a new tab;
 * phone_number → a `tel:` link; other types are shown disabled (not emulated).
 */
export function renderButton(button, actions, className = 'tpl-button') {
  const title = button.title ?? '';
  if (button.type === 'web_url') {
    return h(
      'a',
      {
        class: className,
        href: button.url,
        target: '_blank',
        rel: 'noopener noreferrer',
        dataset: { testid: 'url-button' },
      },
      title,
      icon(LINK, 'tpl-button__link-icon'),
    );
  }
  if (button.type === 'phone_number') {
    return h('a', { class: className, href: `tel:${button.payload}`, dataset: { testid: 'call-button' } }, title);
  }
  if (button.type === 'postback') {
    return h(
      'button',
      {
        type: 'button',
        class: className,
        dataset: { testid: 'postback-button' },
        onclick: () => actions.postback(title, button.payload),
      },
      title,
    );
  }
  return h(
    'button',
    { type: 'button', class: className, disabled: true, title: `${button.type} buttons are not emulated` },
    title,
  );
}

function renderGeneric(payload, actions) {
  const elements = Array.isArray(payload.elements) ? payload.elements : [];
  const square = payload.image_aspect_ratio === 'square';
  const cards = elements.map((el) => renderCard(el, actions, square));
  if (cards.length === 1) return cards[0];
  const track = h(
    'div',
    { class: 'carousel__track', tabindex: '0', role: 'group', 'aria-label': `${cards.length} cards` },
    cards,
  );
  const scrollBy = (direction) => () => {
    track.scrollBy({ left: direction * (track.firstElementChild?.offsetWidth ?? 260), behavior: 'smooth' });
  };
  const prev = h(
    'button',
    {
      type: 'button',
      class: 'carousel__nav carousel__nav--prev',
      'aria-label': 'Previous card',
      onclick: scrollBy(-1),
    },
    icon(CHEVRON_LEFT),
  );
  const next = h(
    'button',
    { type: 'button', class: 'carousel__nav carousel__nav--next', 'aria-label': 'Next card', onclick: scrollBy(1) },
    icon(CHEVRON_RIGHT),
  );
  const updateNav = () => {
    prev.hidden = track.scrollLeft <= 4;
    next.hidden = track.scrollLeft + track.clientWidth >= track.scrollWidth - 4;
  };
  track.addEventListener('scroll', updateNav, { passive: true });
  requestAnimationFrame(updateNav);
  return h('div', { class: 'carousel', dataset: { testid: 'carousel' } }, prev, track, next);
}

function renderCard(element, actions, square) {
  const link = element.default_action?.type === 'web_url' ? element.default_action.url : undefined;
  const linked = (child) =>
    link ? h('a', { href: link, target: '_blank', rel: 'noopener noreferrer', class: 'card__link' }, child) : child;
  const image = element.image_url
    ? h('div', { class: `card__image${square ? ' card__image--square' : ''}` }, picture(element.image_url))
    : null;
  return h(
    'article',
    { class: 'card', dataset: { testid: 'card' } },
    image && linked(image),
    h(
      'div',
      { class: 'card__body' },
      linked(h('div', { class: 'card__title', dataset: { testid: 'card-title' } }, element.title ?? '')),
      element.subtitle ? h('div', { class: 'card__subtitle' }, element.subtitle) : null,
    ),
    renderButtons(element.buttons, actions),
  );
}

function renderMediaTemplate(element, actions) {
  let media;
  if (!element.url)
    media = h('div', { class: 'card__placeholder' }, `${element.media_type ?? 'media'} ${element.attachment_id ?? ''}`);
  else if (element.media_type === 'video')
    media = h('video', { src: element.url, controls: true, preload: 'metadata' });
  else media = picture(element.url);
  return h(
    'article',
    { class: 'card card--media', dataset: { testid: 'media-template' } },
    h('div', { class: 'card__media' }, media),
    renderButtons(element.buttons, actions),
  );
}
