import { z } from 'zod';
import type { ConnectToAgentResponse } from '../responses.ts';

export const CONNECT_TOOL_NAME = 'connect_to_agent';

/** The one tool offered to the model: handing the conversation to a person (Chat Completions tool format). */
export const connectToAgentTool = {
  type: 'function',
  function: {
    name: CONNECT_TOOL_NAME,
    description:
      'Hand the conversation over to a human colleague. Call it when the person asks for a human, ' +
      'when they are upset, or when you cannot help them.',
    parameters: {
      type: 'object',
      properties: {
        reason: { type: 'string', description: 'Why you hand over, in a few words, for the colleague.' },
        message: {
          type: 'string',
          description: "What to tell the person while they wait, in the person's language.",
        },
      },
      required: ['reason'],
      additionalProperties: false,
    },
  },
} as const;

const argumentsSchema = z.object({ reason: z.string().optional(), message: z.string().optional() });

/**
 * The response a call of the tool becomes. The hand-over happens even when the model's arguments cannot be
 * read: the model asked for a person, and a person can read the conversation themselves.
 */
export function connectResponse(rawArguments: unknown): {
  response: ConnectToAgentResponse;
  readable: boolean;
} {
  const result = argumentsSchema.safeParse(parseArguments(rawArguments));
  const parsed = result.success ? result.data : undefined;
  const response: ConnectToAgentResponse = {
    type: 'connect_to_agent',
    reason: parsed?.reason?.trim() || 'the assistant asked for a colleague',
  };
  const message = parsed?.message?.trim();
  if (message) response.message = message;
  return { response, readable: parsed !== undefined };
}

/** The arguments are a JSON string by the format; some compatible servers send the object itself. */
function parseArguments(rawArguments: unknown): unknown {
  if (typeof rawArguments !== 'string') return rawArguments ?? {};
  try {
    return JSON.parse(rawArguments.trim() || '{}');
  } catch {
    return undefined;
  }
}
