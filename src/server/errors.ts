/** Every error the HTTP API answers with: a stable code, its status and a message safe to show. */
export const ERRORS = {
  SB_WEBHOOK_SIGNATURE_MISSING: { status: 401, message: 'X-Hub-Signature-256 is missing' },
  SB_WEBHOOK_SIGNATURE_INVALID: {
    status: 401,
    message: 'X-Hub-Signature-256 does not match any configured app secret',
  },
  SB_WEBHOOK_JSON_INVALID: { status: 400, message: 'the body is not valid JSON; it was kept for inspection' },
  SB_WEBHOOK_VERIFY_REFUSED: { status: 403, message: 'hub.mode or hub.verify_token is wrong' },
  SB_BODY_TOO_LARGE: { status: 413, message: 'the body is too large' },
  SB_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'send the body as JSON, with Content-Type: application/json' },
  SB_BAD_REQUEST: { status: 400, message: 'the request is not valid' },
  SB_HEADERS_TOO_LARGE: { status: 431, message: 'the headers (the address included) are too large' },
  SB_REQUEST_TIMEOUT: { status: 408, message: 'the request took too long to arrive' },
  SB_UNAUTHENTICATED: { status: 401, message: 'sign in first' },
  SB_FORBIDDEN: { status: 403, message: 'your role does not allow this' },
  SB_CALLBACK_SIGNATURE_INVALID: {
    status: 400,
    message: 'signed_request is missing or has no issued_at, or no configured app signed it',
  },
  SB_CROSS_SITE: { status: 403, message: 'changes sent by a page of another site are refused' },
  SB_NOT_FOUND: { status: 404, message: 'no such resource' },
  SB_PRECONDITION_FAILED: { status: 412, message: 'the file is not the version the request names' },
  SB_RANGE_NOT_SATISFIABLE: { status: 416, message: 'the range asked for is not within the file' },
  SB_CONFLICT: { status: 409, message: 'this conflicts with what is stored' },
  SB_THREAD_NOT_TAKEN: {
    status: 502,
    message: 'Facebook did not give the person’s thread back from the app that has it',
  },
  SB_TOO_MANY_SIGN_INS: { status: 429, message: 'too many failed sign-ins; retry after the time Retry-After gives' },
  SB_SIGN_INS_BUSY: { status: 503, message: 'too many sign-ins are being checked; retry in a moment' },
  SB_STREAM_UNAVAILABLE: { status: 503, message: 'live updates are unavailable for now; retry' },
  SB_SHUTTING_DOWN: { status: 503, message: 'the server is shutting down; retry' },
  SB_INTERNAL: { status: 500, message: 'something went wrong on our side' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** An error the API answers with its code: `{error: {code, message}}`. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].message,
  ) {
    super(message);
  }

  get status(): number {
    return ERRORS[this.code].status;
  }
}

export function errorBody(code: ErrorCode, message: string = ERRORS[code].message) {
  return { error: { code, message } };
}
