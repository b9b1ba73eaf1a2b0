import type { Choice, OptionResponse } from '../../assistants/responses.ts';
import { chunk } from '../../collections/chunk.ts';
import { splitText } from '../../text/split-text.ts';
import { measure, singleLine } from '../../text/text-units.ts';
import type { GenericElement, TemplateButton } from '../send-types.ts';
import { MESSENGER_LIMITS as L } from './limits.ts';
import type { OutboundStep } from './outbound-step.ts';
import { shortenLabels, shortenText } from './shorten.ts';
import { joinLines, messageStep, textSteps } from './steps.ts';

/** How an option's choices are shown. See `chooseOptionStyle`. */
export type OptionStyle = 'quick_replies' | 'buttons' | 'carousel';

/** What `renderOption` needs to know about the rest of the turn and the page. */
export interface OptionContext {
  /** False when another option follows in the same turn: its quick replies would vanish at once. */
  quickRepliesAllowed: boolean;
  readableLength?: number | undefined;
  drop: (reason: string) => void;
}

/**
 * Quick replies when they can work: the option is the turn's last, it has at most 13 choices and every label
 * fits 20 characters. They answer the question just asked, show full labels, and vanish once used, so an old
 * question cannot be answered by mistake later. Otherwise buttons, which stay in the thread and whose labels
 * are shortened with "…": a button template for 1–3 choices, a carousel of 3-button cards beyond.
 */
export function chooseOptionStyle(choices: readonly Choice[], quickRepliesAllowed: boolean): OptionStyle {
  const fit = choices.length <= L.quickReplies && choices.every((c) => measure(c.label) <= L.quickReplyTitleLength);
  if (quickRepliesAllowed && fit) return 'quick_replies';
  return choices.length <= L.buttonsPerTemplate ? 'buttons' : 'carousel';
}

/**
 * An option as messages. The choice value is the payload, whole, whatever the label shows. A choice with no
 * label or with a value that is empty or over 1000 characters is left out; with no choice left, the title is
 * sent as a plain text. An option with neither title nor description is left out: every form needs a text.
 */
export function renderOption(option: OptionResponse, context: OptionContext): OutboundStep[] {
  const text = joinLines(option.title, option.description);
  if (text === '') {
    context.drop('option without a title');
    return [];
  }
  const choices = validChoices(option.options, context.drop);
  if (choices.length === 0) return textSteps(text, context.readableLength);
  const style = chooseOptionStyle(choices, context.quickRepliesAllowed);
  if (style === 'quick_replies') return withQuickReplies(text, choices, context.readableLength);
  if (style === 'buttons') return withButtonTemplate(text, choices, context.readableLength);
  return withButtonCarousel(option, choices, context.readableLength);
}

function validChoices(choices: readonly Choice[] | undefined, drop: (reason: string) => void): Choice[] {
  const valid: Choice[] = [];
  for (const choice of choices ?? []) {
    const label = singleLine(choice.label ?? '');
    const value = choice.value ?? '';
    if (label === '') drop('choice without a label');
    else if (value.trim() === '') drop(`choice "${label}" without a value`);
    else if (measure(value) > L.payloadLength) drop(`choice "${label}": value over ${L.payloadLength} characters`);
    else valid.push({ label, value });
  }
  return valid;
}

function withQuickReplies(text: string, choices: Choice[], readableLength: number | undefined): OutboundStep[] {
  const pieces = splitText(text, { maxLength: L.textLength, readableLength });
  const last = pieces.pop() ?? '';
  const quick_replies = choices.map((c) => ({ content_type: 'text' as const, title: c.label, payload: c.value }));
  return [...pieces.map((piece) => messageStep({ text: piece })), messageStep({ text: last, quick_replies })];
}

function withButtonTemplate(text: string, choices: Choice[], readableLength: number | undefined): OutboundStep[] {
  // The template's text is limited to 640: what does not fit goes before it as plain messages.
  const pieces = splitText(text, { maxLength: L.textLength, readableLength });
  const lastPieces = splitText(pieces.pop() ?? '', { maxLength: L.buttonTemplateTextLength, readableLength });
  const last = lastPieces.pop() ?? '';
  const leading = [...pieces, ...lastPieces].map((piece) => messageStep({ text: piece }));
  const buttons = postbackButtons(choices);
  return [
    ...leading,
    messageStep({ attachment: { type: 'template', payload: { template_type: 'button', text: last, buttons } } }),
  ];
}

function withButtonCarousel(
  option: OptionResponse,
  choices: Choice[],
  readableLength: number | undefined,
): OutboundStep[] {
  const ownTitle = (option.title ?? '').trim();
  const description = (option.description ?? '').trim();
  const title = ownTitle || description;
  const subtitle = ownTitle && description ? description : undefined;
  const elementTitle = shortenText(title, L.elementTitleLength);
  const elementSubtitle = subtitle === undefined ? undefined : shortenText(subtitle, L.elementSubtitleLength);
  // Cards cut long titles; then the whole text goes first as messages, so nothing is lost.
  const cut = elementTitle !== title || elementSubtitle !== subtitle;
  const leading = cut
    ? splitText(joinLines(option.title, option.description), { maxLength: L.textLength, readableLength })
    : [];
  const elements: GenericElement[] = chunk(postbackButtons(choices), L.buttonsPerTemplate).map((buttons) => ({
    title: elementTitle,
    ...(elementSubtitle === undefined ? {} : { subtitle: elementSubtitle }),
    buttons,
  }));
  return [
    ...leading.map((piece) => messageStep({ text: piece })),
    ...chunk(elements, L.genericElements).map((group) =>
      messageStep({ attachment: { type: 'template', payload: { template_type: 'generic', elements: group } } }),
    ),
  ];
}

function postbackButtons(choices: readonly Choice[]): TemplateButton[] {
  const titles = shortenLabels(
    choices.map((c) => c.label),
    L.buttonTitleLength,
  );
  return choices.map((c, i) => ({ type: 'postback', title: titles[i] ?? c.label, payload: c.value }));
}
