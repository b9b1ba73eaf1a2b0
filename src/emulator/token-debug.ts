import type { FastifyRequest } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { authenticate } from './graph-auth.ts';
import { type GraphError, graphError, isGraphError } from './graph-errors.ts';
import { type GraphParams, stringParam } from './graph-params.ts';

const DATA_ACCESS_WINDOW_S = 90 * 24 * 3600;
const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * `GET /debug_token?input_token=…` with an app token or a valid token of the same app (§8.5).
 * An invalid input token is reported in the data (`is_valid: false`), not as a call error.
 */
export function debugToken(
  ctx: EmulatorContext,
  request: FastifyRequest,
  params: GraphParams,
): { data: Record<string, unknown> } | GraphError {
  const caller = authenticate(ctx, request, params);
  if (isGraphError(caller)) return caller;
  const input = stringParam(params, 'input_token');
  if (!input) return graphError(100, 'The parameter input_token is required');
  if (input.includes('|')) {
    const app = ctx.state.apps.get(input.split('|')[0] ?? '');
    const valid = app !== undefined && input === `${app.id}|${app.secret}`;
    return { data: { app_id: app?.id, type: 'APP', application: app?.name, is_valid: valid } };
  }
  const record = ctx.state.tokens.get(input);
  if (!record) {
    return {
      data: {
        is_valid: false,
        error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' },
        scopes: [],
      },
    };
  }
  const app = ctx.state.apps.get(record.app_id);
  const data: Record<string, unknown> = {
    app_id: record.app_id,
    type: record.kind === 'page' ? 'PAGE' : 'USER',
    application: app?.name ?? '',
    data_access_expires_at: seconds(record.issued_at) + DATA_ACCESS_WINDOW_S,
    expires_at: record.expires_at === 0 ? 0 : seconds(record.expires_at),
    is_valid: !record.revoked && (record.expires_at === 0 || ctx.clock.now() < record.expires_at),
    issued_at: seconds(record.issued_at),
    scopes: record.scopes,
    granular_scopes: record.scopes
      .filter((scope) => scope.startsWith('pages_'))
      .map((scope) => ({ scope, target_ids: record.granted_page_ids })),
  };
  if (record.page_id) data.profile_id = record.page_id;
  if (record.account_id) data.user_id = record.account_id;
  if (record.revoked)
    data.error = { code: 190, subcode: 467, message: 'The session is invalid because the user logged out.' };
  else if (!data.is_valid) data.error = { code: 190, subcode: 463, message: 'Session has expired.' };
  return { data };
}
