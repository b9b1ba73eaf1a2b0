import type { FastifyPluginAsync } from 'fastify';
import { setAppWebhook } from './app-webhook.ts';
import type { EmulatorContext } from './context.ts';
import { authenticate, authenticatePage } from './graph-auth.ts';
import {
  type GraphError,
  graphError,
  invalidParam,
  isGraphError,
  sendGraphError,
  tokenErrors,
  unsupportedRequest,
} from './graph-errors.ts';
import { type GraphParams, graphParams, listParam, stringParam } from './graph-params.ts';
import { METADATA_ACCESS } from './page-access.ts';
import { WEBHOOK_FIELDS, type WebhookField } from './platform-constants.ts';

type Node = { Params: { node: string } };

function parseFields(params: GraphParams, name: string): WebhookField[] | GraphError {
  const fields = listParam(params, name);
  if (!fields || fields.length === 0) return invalidParam(`The parameter ${name} is required`);
  const unknown = fields.find((field) => !(WEBHOOK_FIELDS as readonly string[]).includes(field));
  if (unknown) return invalidParam(`param ${name} must be one of {${WEBHOOK_FIELDS.join(', ')}}; got ${unknown}`);
  return fields as WebhookField[];
}

/** Page subscriptions (§8.6) and app subscriptions (§1.5). */
export const graphSubscriptionRoutes: FastifyPluginAsync<{ ctx: EmulatorContext }> = async (app, { ctx }) => {
  app.get<Node>('/:node/subscribed_apps', async (request, reply) => {
    const target = authenticatePage(ctx, request, {
      params: graphParams(request),
      node: request.params.node,
      needs: METADATA_ACCESS,
    });
    if (isGraphError(target)) return sendGraphError(reply, target);
    const data = [...target.page.subscribed.entries()].map(([appId, fields]) => ({
      id: appId,
      name: ctx.state.apps.get(appId)?.name ?? '',
      subscribed_fields: fields,
    }));
    return { data };
  });

  app.post<Node>('/:node/subscribed_apps', async (request, reply) => {
    const params = graphParams(request);
    const target = authenticatePage(ctx, request, { params, node: request.params.node, needs: METADATA_ACCESS });
    if (isGraphError(target)) return sendGraphError(reply, target);
    const fields = parseFields(params, 'subscribed_fields');
    if (isGraphError(fields)) return sendGraphError(reply, fields);
    target.page.subscribed.set(target.appId, fields);
    return { success: true };
  });

  app.delete<Node>('/:node/subscribed_apps', async (request, reply) => {
    const target = authenticatePage(ctx, request, {
      params: graphParams(request),
      node: request.params.node,
      needs: METADATA_ACCESS,
    });
    if (isGraphError(target)) return sendGraphError(reply, target);
    target.page.subscribed.delete(target.appId);
    return { success: true };
  });

  function appFor(request: { params: { node: string } }, principal: ReturnType<typeof authenticate>) {
    if (isGraphError(principal)) return principal;
    if (principal.kind !== 'app') return tokenErrors.appTokenRequired();
    if (principal.app.id !== request.params.node) return unsupportedRequest('get', request.params.node);
    return principal.app;
  }

  app.get<Node>('/:node/subscriptions', async (request, reply) => {
    const found = appFor(request, authenticate(ctx, request, graphParams(request)));
    if (isGraphError(found)) return sendGraphError(reply, found);
    if (!found.webhook_url) return { data: [] };
    const fields = found.subscribed_fields.map((name) => ({ name, version: 'v25.0' }));
    return { data: [{ object: 'page', callback_url: found.webhook_url, active: true, fields }] };
  });

  app.post<Node>('/:node/subscriptions', async (request, reply) => {
    const params = graphParams(request);
    const found = appFor(request, authenticate(ctx, request, params));
    if (isGraphError(found)) return sendGraphError(reply, found);
    if (stringParam(params, 'object') !== 'page')
      return sendGraphError(reply, invalidParam('param object must be "page" (the only object the emulator supports)'));
    const callbackUrl = stringParam(params, 'callback_url');
    const verifyToken = stringParam(params, 'verify_token');
    if (!callbackUrl || !verifyToken)
      return sendGraphError(reply, invalidParam('The parameters callback_url and verify_token are required'));
    const fields = parseFields(params, 'fields');
    if (isGraphError(fields)) return sendGraphError(reply, fields);
    const result = await setAppWebhook(ctx, found, { url: callbackUrl, verify_token: verifyToken, fields });
    if (!result.ok)
      return sendGraphError(
        reply,
        graphError(2200, `Callback verification failed with the following errors: ${result.reason}`),
      );
    return { success: true };
  });

  app.delete<Node>('/:node/subscriptions', async (request, reply) => {
    const params = graphParams(request);
    const found = appFor(request, authenticate(ctx, request, params));
    if (isGraphError(found)) return sendGraphError(reply, found);
    const fields = listParam(params, 'fields');
    if (fields && fields.length > 0) {
      found.subscribed_fields = found.subscribed_fields.filter((field) => !fields.includes(field));
    } else {
      found.subscribed_fields = [];
      delete found.webhook_url;
      found.webhook_verified = false;
    }
    return { success: true };
  });
};
