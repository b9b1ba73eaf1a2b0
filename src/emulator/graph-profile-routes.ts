import type { FastifyPluginAsync } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { authenticatePage } from './graph-auth.ts';
import { invalidParam, isGraphError, sendGraphError } from './graph-errors.ts';
import { type GraphParams, graphParams, listParam, objectParam } from './graph-params.ts';
import { PROFILE_ACCESS } from './page-access.ts';
import type { MessengerProfile, PageRecord } from './state-types.ts';
import { isProfileField, PROFILE_FIELDS, validateProfileUpdate } from './validate-profile.ts';

type Node = { Params: { node: string } };

/** Parameters that are not profile properties. */
const TRANSPORT_PARAMS = new Set(['access_token', 'appsecret_proof', 'method', 'fields']);

function announce(ctx: EmulatorContext, page: PageRecord): void {
  ctx.state.bus.emit('profile', { page_id: page.id, profile: page.profile });
}

/** Form bodies carry each property as a JSON string (§0); JSON bodies carry values. */
function profileUpdate(params: GraphParams): Record<string, unknown> | ReturnType<typeof invalidParam> {
  const update: Record<string, unknown> = {};
  for (const key of Object.keys(params)) {
    if (TRANSPORT_PARAMS.has(key)) continue;
    const value = objectParam(params, key);
    if (isGraphError(value)) return value;
    update[key] = value;
  }
  return update;
}

/** The `fields` parameter of GET and DELETE: required, each a known profile property. */
function requestedFields(params: Parameters<typeof listParam>[0]) {
  const fields = listParam(params, 'fields');
  if (!fields || fields.length === 0) return invalidParam('The parameter fields is required');
  const unknown = fields.find((field) => !isProfileField(field));
  if (unknown) return invalidParam(`param fields must be one of {${PROFILE_FIELDS.join(', ')}}; got ${unknown}`);
  return fields;
}

/**
 * Messenger Profile API (messenger-platform.md §5). GET answers `{data: [one object]}` with the
 * requested properties that are set, or `{data: []}`; the docs leave the layout unconfirmed (§12.5).
 */
export const graphProfileRoutes: FastifyPluginAsync<{ ctx: EmulatorContext }> = async (app, { ctx }) => {
  app.get<Node>('/:node/messenger_profile', async (request, reply) => {
    const params = graphParams(request);
    const target = authenticatePage(ctx, request, { params, node: request.params.node, needs: PROFILE_ACCESS });
    if (isGraphError(target)) return sendGraphError(reply, target);
    const fields = requestedFields(params);
    if (isGraphError(fields)) return sendGraphError(reply, fields);
    const profile = target.page.profile as Record<string, unknown>;
    const data = Object.fromEntries(
      fields.filter((field) => profile[field] !== undefined).map((field) => [field, profile[field]]),
    );
    return { data: Object.keys(data).length > 0 ? [data] : [] };
  });

  app.post<Node>('/:node/messenger_profile', async (request, reply) => {
    const params = graphParams(request);
    const target = authenticatePage(ctx, request, { params, node: request.params.node, needs: PROFILE_ACCESS });
    if (isGraphError(target)) return sendGraphError(reply, target);
    const update = profileUpdate(params);
    if (isGraphError(update)) return sendGraphError(reply, update);
    const accepted = validateProfileUpdate(update, target.page.profile);
    if (isGraphError(accepted)) return sendGraphError(reply, accepted);
    Object.assign(target.page.profile, structuredClone(accepted));
    announce(ctx, target.page);
    return { result: 'success' };
  });

  app.delete<Node>('/:node/messenger_profile', async (request, reply) => {
    const params = graphParams(request);
    const target = authenticatePage(ctx, request, { params, node: request.params.node, needs: PROFILE_ACCESS });
    if (isGraphError(target)) return sendGraphError(reply, target);
    const fields = requestedFields(params);
    if (isGraphError(fields)) return sendGraphError(reply, fields);
    for (const field of fields)
      delete (target.page.profile as Record<string, unknown>)[field as keyof MessengerProfile];
    announce(ctx, target.page);
    return { result: 'success' };
  });
};
