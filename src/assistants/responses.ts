/**
 * Generic responses: what every assistant returns, channel-neutral (design.md §4).
 * The Messenger renderer turns them into Send API messages; another channel would render them its own way.
 */

/** A tappable choice. `value` goes back to the assistant when the person picks it. */
export interface Choice {
  label: string;
  value: string;
}

/** A button on a card: either a postback (`value`) or a link (`url`). */
export type Button = { label: string; value: string } | { label: string; url: string };

export interface TextResponse {
  type: 'text';
  text: string;
}

export interface MediaResponse {
  type: 'image' | 'video' | 'audio' | 'file';
  url: string;
  title?: string;
  description?: string;
}

export interface OptionResponse {
  type: 'option';
  title: string;
  description?: string;
  options: Choice[];
}

export interface Card {
  title: string;
  subtitle?: string;
  image_url?: string;
  buttons?: Button[];
}

export interface CardResponse extends Card {
  type: 'card';
}

export interface CarouselResponse {
  type: 'carousel';
  cards: Card[];
}

export interface PauseResponse {
  type: 'pause';
  ms: number;
  /** Show a typing indicator during the pause. */
  typing: boolean;
}

export interface ConnectToAgentResponse {
  type: 'connect_to_agent';
  /** Shown to the person before a colleague takes over. */
  message?: string;
  /** Why the assistant hands over; shown to agents with the escalation. */
  reason?: string;
}

export type GenericResponse =
  | TextResponse
  | MediaResponse
  | OptionResponse
  | CardResponse
  | CarouselResponse
  | PauseResponse
  | ConnectToAgentResponse;
