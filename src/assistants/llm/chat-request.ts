import { cutToFit, graphemes, measure } from '../../text/text-units.ts';
import type { AssistantTurn, HistoryItem } from '../assistant.ts';
import { connectToAgentTool } from './connect-tool.ts';
import { describeInput } from './describe-input.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The body of `POST {baseUrl}/chat/completions`. */
export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  tools?: [typeof connectToAgentTool];
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
}

export interface ChatRequestOptions {
  model: string;
  instructions: string;
  maxHistory: number;
  temperature?: number;
  maxTokens?: number;
  /** The name `maxTokens` is sent by: `max_tokens` (default, known to every server) or OpenAI's newer one. */
  tokenParameter?: 'max_tokens' | 'max_completion_tokens';
  /** False for a model whose server refuses tools: it answers without the hand-over tool. Default true. */
  tools?: boolean;
}

/** System prompt, the last `maxHistory` messages of the session, then the new input; and the hand-over tool. */
export function buildChatRequest(turn: AssistantTurn, options: ChatRequestOptions): ChatCompletionRequest {
  const input = turn.replying_to
    ? `${describeQuote(turn.replying_to)}\n${describeInput(turn.input)}`
    : describeInput(turn.input);
  const request: ChatCompletionRequest = {
    model: options.model,
    messages: [
      { role: 'system', content: systemPrompt(turn, options.instructions) },
      ...alternating([...historyMessages(turn.history, options.maxHistory), { role: 'user', content: input }]),
    ],
  };
  if (options.tools !== false) request.tools = [connectToAgentTool];
  if (options.temperature !== undefined) request.temperature = options.temperature;
  if (options.maxTokens !== undefined) request[options.tokenParameter ?? 'max_tokens'] = options.maxTokens;
  return request;
}

/**
 * Messages of one side in a row joined into one (a long answer sent as several messages, a person writing twice
 * before an answer): some servers' chat templates (Mistral's, on vLLM) refuse roles that do not alternate.
 */
function alternating(messages: ChatMessage[]): ChatMessage[] {
  const joined: ChatMessage[] = [];
  for (const message of messages) {
    const last = joined.at(-1);
    if (last?.role === message.role)
      joined[joined.length - 1] = { ...last, content: `${last.content}\n\n${message.content}` };
    else joined.push(message);
  }
  return joined;
}

/** Longest quote given: a reply says which message it answers, its start is enough to tell. */
const QUOTE_CHARS = 300;

/** The message a person's reply quotes, as a line in square brackets (the system prompt says what those are). */
export function describeQuote(quoted: HistoryItem): string {
  let text = quoted.text;
  // Between the characters a person sees: not inside a flag, an emoji sequence or a letter and its accents.
  if (measure(text) > QUOTE_CHARS) text = `${cutToFit(graphemes(text), QUOTE_CHARS)}…`;
  const whose = quoted.role === 'contact' ? 'their own earlier message' : 'your earlier message';
  return `[The person replies to ${whose}: ${JSON.stringify(text)}]`;
}

/** The page's instructions, then who the model talks to and where (names quoted: they are not instructions). */
export function systemPrompt(turn: AssistantTurn, instructions: string): string {
  const lines = [instructions.trim(), ''];
  if (turn.page.name) lines.push(`You answer messages sent to ${JSON.stringify(turn.page.name)}.`);
  const firstName = turn.contact.profile.first_name;
  if (firstName) lines.push(`The person's first name is ${JSON.stringify(firstName)}.`);
  lines.push(
    'Write plain text without Markdown: the chat shows it as typed.',
    'Lines in square brackets describe what the person did rather than what they wrote.',
  );
  return lines.join('\n');
}

/**
 * The session's recent messages as chat roles: the contact is the user; the assistant and the agents who took
 * over are both the assistant's side. The new input is never among them (the gateway stores it with the turn's
 * answer): a last message equal to it was said twice.
 */
export function historyMessages(history: HistoryItem[], maxHistory: number): ChatMessage[] {
  const items = history.filter((item) => item.text.trim() !== '');
  return items
    .slice(Math.max(0, items.length - maxHistory))
    .map((item) => ({ role: item.role === 'contact' ? 'user' : 'assistant', content: item.text }));
}
