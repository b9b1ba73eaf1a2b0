import type { FastifyReply } from 'fastify';
import { fbtraceId } from './ids.ts';

/**
 * A Graph API failure as a value (messenger-platform.md §4). Handlers return these; one place
 * (`sendGraphError`) turns them into Facebook's envelope.
 */
export interface GraphError {
  kind: 'graph_error';
  /** HTTP status: 400 for almost everything, 500 for codes 1 and 2 (§4.1). */
  status: number;
  code: number;
  subcode?: number;
  /** The full message as Facebook prints it, `(#code)` prefix included where Facebook adds one. */
  message: string;
  type: string;
  isTransient?: boolean;
  headers?: Record<string, string>;
}

interface ErrorOptions {
  subcode?: number;
  type?: string;
  status?: number;
  /** OAuth-token errors (190) and OAuth endpoint errors carry no `(#code)` prefix on Facebook. */
  raw?: boolean;
  isTransient?: boolean;
  headers?: Record<string, string>;
}

export function graphError(code: number, message: string, options: ErrorOptions = {}): GraphError {
  const error: GraphError = {
    kind: 'graph_error',
    status: options.status ?? (code === 1 || code === 2 ? 500 : 400),
    code,
    message: options.raw ? message : `(#${code}) ${message}`,
    type: options.type ?? 'OAuthException',
  };
  if (options.subcode !== undefined) error.subcode = options.subcode;
  if (options.isTransient !== undefined) error.isTransient = options.isTransient;
  if (options.headers) error.headers = options.headers;
  return error;
}

export function isGraphError(value: unknown): value is GraphError {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'graph_error';
}

/** Facebook's error envelope for a GraphError. */
export function graphErrorBody(error: GraphError): { error: Record<string, unknown> } {
  const body: Record<string, unknown> = { message: error.message, type: error.type, code: error.code };
  if (error.subcode !== undefined) body.error_subcode = error.subcode;
  if (error.isTransient !== undefined) body.is_transient = error.isTransient;
  body.fbtrace_id = fbtraceId();
  return { error: body };
}

export function sendGraphError(reply: FastifyReply, error: GraphError): FastifyReply {
  return reply.code(error.status).headers(graphErrorHeaders(error)).send(graphErrorBody(error));
}

/** The headers Facebook sends with an error: its own (usage), and the OAuth challenge of a token error. */
export function graphErrorHeaders(error: GraphError): Record<string, string> {
  const headers = { ...error.headers };
  if (error.code === 190)
    headers['WWW-Authenticate'] = `OAuth "Facebook Platform" "invalid_token" "${error.message.replace(/"/g, "'")}"`;
  return headers;
}

/** Invalid parameter (code 100), the most common Graph error. */
export function invalidParam(message: string, subcode?: number): GraphError {
  return graphError(100, message, subcode === undefined ? {} : { subcode });
}

/** The error Graph gives for an id the token cannot load, or an edge it does not support (100/33). */
export function unsupportedRequest(method: string, id: string): GraphError {
  return graphError(
    100,
    `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    { subcode: 33, type: 'GraphMethodException', raw: true },
  );
}

export const tokenErrors = {
  missing: () => graphError(190, 'An access token is required to request this resource.', { raw: true }),
  unparsable: () => graphError(190, 'Invalid OAuth access token - Cannot parse access token', { raw: true }),
  expired: (expiredAt: number) =>
    graphError(
      190,
      `Error validating access token: Session has expired on ${new Date(expiredAt).toUTCString()}. The current time is later.`,
      { raw: true, subcode: 463 },
    ),
  revoked: () =>
    graphError(190, 'Error validating access token: The session is invalid because the user logged out.', {
      raw: true,
      subcode: 467,
    }),
  appNotInstalled: () =>
    graphError(190, 'Error validating access token: The user has not authorized application.', {
      raw: true,
      subcode: 458,
    }),
  pageTokenRequired: () => graphError(210, 'A page access token is required to request this resource.'),
  appTokenRequired: () => graphError(15, 'This method must be called with an app access_token.'),
  badProof: () =>
    graphError(100, 'Invalid appsecret_proof provided in the API argument', {
      raw: true,
      type: 'GraphMethodException',
    }),
  proofRequired: () => graphError(100, 'API calls from the server require an appsecret_proof argument', { raw: true }),
};

/** Default messages for codes a test may inject with `POST /_emulator/faults` (§4.2). */
export const INJECTABLE_MESSAGES: Record<number, string> = {
  1: 'An unknown error has occurred.',
  2: 'Service temporarily unavailable',
  4: 'Application request limit reached',
  17: 'User request limit reached',
  32: 'Page request limit reached',
  613: 'Calls to this api have exceeded the rate limit.',
  1200: 'Temporary send message failure. Please try again later',
  80001:
    'There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.',
};
