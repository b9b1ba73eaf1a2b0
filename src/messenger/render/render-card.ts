import type { Button, Card, CardResponse, CarouselResponse } from '../../assistants/responses.ts';
import { chunk } from '../../collections/chunk.ts';
import { measure, singleLine } from '../../text/text-units.ts';
import type { GenericElement, TemplateButton } from '../send-types.ts';
import { MESSENGER_LIMITS as L } from './limits.ts';
import type { OutboundStep } from './outbound-step.ts';
import { shortenLabels, shortenText } from './shorten.ts';
import { joinLines, messageStep, textSteps, webUrl } from './steps.ts';

type Drop = (reason: string) => void;

/**
 * A card as a generic template, or as text when it has nothing but a title. Nothing is lost: a title or subtitle cut
 * to fit goes first, whole, as text, and buttons past 3 go on more elements with the same title, as options do. Text
 * is split as a text response is (`readableLength`).
 */
export function renderCard(card: CardResponse, drop: Drop, readableLength?: number): OutboundStep[] {
  const element = cardElement(card, drop, Number.POSITIVE_INFINITY);
  if (element === undefined) return [];
  if (isBare(element)) return titleSteps(card, readableLength);
  const [first = [], ...more] = chunk(element.buttons ?? [], L.buttonsPerTemplate);
  const elements = [
    { ...element, ...(first.length > 0 && { buttons: first }) },
    ...more.map((buttons) => ({ title: element.title, buttons })),
  ];
  const { title, subtitle } = headingOf(card);
  const cut = element.title !== title || (element.subtitle ?? '') !== subtitle;
  return [
    ...(cut ? textSteps(joinLines(card.title, card.subtitle), readableLength) : []),
    ...chunk(elements, L.genericElements).map(genericTemplate),
  ];
}

/**
 * A carousel as generic templates of up to 10 elements each; cards that cannot be shown are left out, and those with
 * nothing but a title are sent as text before it.
 */
export function renderCarousel(carousel: CarouselResponse, drop: Drop, readableLength?: number): OutboundStep[] {
  const cards = (carousel.cards ?? []).flatMap((card) => {
    const element = cardElement(card, drop);
    return element === undefined ? [] : [{ card, element }];
  });
  if (cards.length === 0) drop('carousel without a card to show');
  const texts = cards.filter((c) => isBare(c.element)).flatMap((c) => titleSteps(c.card, readableLength));
  const elements = cards.filter((c) => !isBare(c.element)).map((c) => c.element);
  return [...texts, ...chunk(elements, L.genericElements).map(genericTemplate)];
}

/** Messenger refuses an element with a title alone (100, "Incomplete element data"): it needs one more field. */
function isBare(element: GenericElement): boolean {
  return element.subtitle === undefined && element.image_url === undefined && element.buttons === undefined;
}

/** A bare card's title as text, whole (a card title is cut at 80), in as many messages as it takes. */
function titleSteps(card: Card, readableLength: number | undefined): OutboundStep[] {
  return textSteps(headingOf(card).title, readableLength);
}

/** The element's title and subtitle, whole: a card with no title uses its subtitle as title. */
function headingOf(card: Card): { title: string; subtitle: string } {
  const ownTitle = (card.title ?? '').trim();
  const ownSubtitle = (card.subtitle ?? '').trim();
  return { title: ownTitle || ownSubtitle, subtitle: ownTitle && ownSubtitle ? ownSubtitle : '' };
}

/** A generic template message of the given elements. */
export function genericTemplate(elements: GenericElement[]): OutboundStep {
  return messageStep({ attachment: { type: 'template', payload: { template_type: 'generic', elements } } });
}

/**
 * One element: title and subtitle shortened to 80 with "…", the first 3 valid buttons with labels shortened
 * to 20. A card with no title uses its subtitle as title; with neither it cannot be shown.
 */
export function cardElement(
  card: Card,
  drop: Drop,
  maxButtons: number = L.buttonsPerTemplate,
): GenericElement | undefined {
  const { title, subtitle } = headingOf(card);
  if (title === '') {
    drop('card without a title');
    return undefined;
  }
  const buttons = templateButtons(card.buttons ?? [], drop, maxButtons);
  const element: GenericElement = { title: shortenText(title, L.elementTitleLength) };
  if (subtitle !== '') element.subtitle = shortenText(subtitle, L.elementSubtitleLength);
  if (card.image_url !== undefined) {
    const imageUrl = webUrl(card.image_url);
    if (imageUrl !== undefined) element.image_url = imageUrl;
    else drop(`card "${title}": image_url is not an http(s) URL`);
  }
  if (buttons.length > 0) element.buttons = buttons;
  return element;
}

function templateButtons(buttons: readonly Button[], drop: Drop, max: number): TemplateButton[] {
  const valid = buttons.filter((button) => isValidButton(button, drop));
  if (valid.length > max) drop(`card with ${valid.length} buttons: only the first ${max} are shown`);
  const shown = valid.slice(0, max);
  const titles = shortenLabels(
    shown.map((b) => singleLine(b.label)),
    L.buttonTitleLength,
  );
  return shown.map((button, i) => {
    const title = titles[i] ?? button.label;
    return 'url' in button
      ? { type: 'web_url', title, url: webUrl(button.url) ?? button.url }
      : { type: 'postback', title, payload: button.value };
  });
}

function isValidButton(button: Button, drop: Drop): boolean {
  const label = singleLine(button.label ?? '');
  if (label === '') drop('button without a label');
  else if ('url' in button) {
    if (webUrl(button.url) !== undefined) return true;
    drop(`button "${label}": url is not an http(s) URL`);
  } else if ((button.value ?? '').trim() === '') drop(`button "${label}" without a value`);
  else if (measure(button.value) > L.payloadLength) drop(`button "${label}": value over ${L.payloadLength} characters`);
  else return true;
  return false;
}
