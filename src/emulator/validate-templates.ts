import { type GraphError, invalidParam } from './graph-errors.ts';
import { isRecord } from './graph-params.ts';
import { characters, isHttpUrl, maxLength, required, tooMany } from './validate-rules.ts';

/** Template rules (messenger-platform.md §3.6, §3.7). `path` is the param path used in messages. */
export function validateTemplate(payload: Record<string, unknown>, path: string): GraphError | undefined {
  switch (payload.template_type) {
    case 'button':
      return validateButtonTemplate(payload, path);
    case 'generic':
      return validateGenericTemplate(payload, path);
    case 'media':
      return validateMediaTemplate(payload, path);
    case undefined:
      return required(`${path}[template_type]`);
    default:
      return invalidParam(
        `param ${path}[template_type] "${String(payload.template_type)}" is not supported by the emulator (button, generic, media)`,
      );
  }
}

/** Button template: text ≤ 640, 1–3 buttons. */
function validateButtonTemplate(payload: Record<string, unknown>, path: string): GraphError | undefined {
  if (typeof payload.text !== 'string' || payload.text.length === 0) return required(`${path}[text]`);
  if (characters(payload.text) > 640) return maxLength(`${path}[text]`, 640);
  return validateButtons(payload.buttons, `${path}[buttons]`, { min: 1, max: 3 });
}

/** Generic template: 1–10 elements; title (required) and subtitle ≤ 80; ≤ 3 buttons each. */
function validateGenericTemplate(payload: Record<string, unknown>, path: string): GraphError | undefined {
  const ratio = payload.image_aspect_ratio;
  if (ratio !== undefined && ratio !== 'horizontal' && ratio !== 'square') {
    return invalidParam(`param ${path}[image_aspect_ratio] must be one of {HORIZONTAL, SQUARE}`);
  }
  const elements = payload.elements;
  if (!Array.isArray(elements) || elements.length === 0) return required(`${path}[elements]`);
  if (elements.length > 10) return tooMany(`${path}[elements]`, 10);
  for (const [index, element] of elements.entries()) {
    const at = `${path}[elements][${index}]`;
    if (!isRecord(element)) return invalidParam(`param ${at} must be an object`);
    if (typeof element.title !== 'string' || element.title.length === 0) return required(`${at}[title]`);
    if (characters(element.title) > 80) return maxLength(`${at}[title]`, 80);
    if (element.subtitle !== undefined && (typeof element.subtitle !== 'string' || characters(element.subtitle) > 80)) {
      return maxLength(`${at}[subtitle]`, 80);
    }
    if (element.image_url !== undefined && !isHttpUrl(element.image_url))
      return invalidParam(`param ${at}[image_url] must be a valid URL`);
    const defaultAction = element.default_action;
    if (defaultAction !== undefined) {
      if (!isRecord(defaultAction) || defaultAction.type !== 'web_url' || !isHttpUrl(defaultAction.url)) {
        return invalidParam(`param ${at}[default_action] must be a web_url button with a valid url`);
      }
      if (defaultAction.title !== undefined) return invalidParam(`param ${at}[default_action] cannot have a title`);
    }
    if (element.buttons !== undefined) {
      const error = validateButtons(element.buttons, `${at}[buttons]`, { min: 0, max: 3 });
      if (error) return error;
    }
    const filled = (v: unknown) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== '');
    if (![element.subtitle, element.image_url, element.buttons, element.default_action].some(filled)) {
      return invalidParam(
        'Incomplete element data: title and at least one other field (image url, subtitle or buttons) is required with non-empty value',
      );
    }
  }
  return undefined;
}

/** Media template: exactly one image/video element by url or attachment_id; ≤ 3 buttons (SDK limit, §3.6). */
function validateMediaTemplate(payload: Record<string, unknown>, path: string): GraphError | undefined {
  const elements = payload.elements;
  if (!Array.isArray(elements) || elements.length === 0) return required(`${path}[elements]`);
  if (elements.length > 1) return tooMany(`${path}[elements]`, 1);
  const element = elements[0];
  const at = `${path}[elements][0]`;
  if (!isRecord(element)) return invalidParam(`param ${at} must be an object`);
  if (element.media_type !== 'image' && element.media_type !== 'video') {
    return invalidParam(`param ${at}[media_type] must be one of {IMAGE, VIDEO}`);
  }
  const hasUrl = element.url !== undefined;
  const hasId = element.attachment_id !== undefined;
  if (hasUrl === hasId) return invalidParam(`param ${at} must have exactly one of url or attachment_id`);
  if (hasUrl && !isHttpUrl(element.url)) return invalidParam(`param ${at}[url] must be a valid URL`);
  if (element.buttons === undefined) return undefined;
  return validateButtons(element.buttons, `${at}[buttons]`, { min: 0, max: 3 });
}

/** Buttons: postback, web_url, phone_number; title ≤ 20, payload ≤ 1000 (§3.7). */
export function validateButtons(
  buttons: unknown,
  path: string,
  count: { min: number; max: number },
): GraphError | undefined {
  if (!Array.isArray(buttons)) return count.min > 0 ? required(path) : invalidParam(`param ${path} must be an array`);
  if (buttons.length < count.min) return required(path);
  if (buttons.length > count.max) return tooMany(path, count.max);
  for (const [index, button] of buttons.entries()) {
    const error = validateButton(button, `${path}[${index}]`);
    if (error) return error;
  }
  return undefined;
}

function validateButton(button: unknown, at: string): GraphError | undefined {
  if (!isRecord(button)) return invalidParam(`param ${at} must be an object`);
  if (typeof button.title !== 'string' || button.title.length === 0) return required(`${at}[title]`);
  if (characters(button.title) > 20) return maxLength(`${at}[title]`, 20);
  switch (button.type) {
    case 'postback':
      if (typeof button.payload !== 'string' || button.payload.length === 0) return required(`${at}[payload]`);
      return characters(button.payload) > 1000 ? maxLength(`${at}[payload]`, 1000) : undefined;
    case 'web_url': {
      if (!isHttpUrl(button.url)) return invalidParam(`param ${at}[url] must be a valid URL`);
      const ratio = button.webview_height_ratio;
      if (ratio !== undefined && !['compact', 'tall', 'full'].includes(String(ratio))) {
        return invalidParam(`param ${at}[webview_height_ratio] must be one of {COMPACT, TALL, FULL}`);
      }
      return undefined;
    }
    case 'phone_number':
      return typeof button.payload === 'string' && /^\+\d{6,15}$/.test(button.payload.replace(/[\s-]/g, ''))
        ? undefined
        : invalidParam(`param ${at}[payload] must be a phone number in the format +{country code}{number}`);
    default:
      return invalidParam(`param ${at}[type] must be one of {WEB_URL, POSTBACK, PHONE_NUMBER}`);
  }
}
