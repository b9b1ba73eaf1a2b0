import type { FastifyPluginAsync } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { authenticate, type Principal, tokenFrom } from './graph-auth.ts';
import {
  type GraphError,
  graphError,
  invalidParam,
  isGraphError,
  sendGraphError,
  tokenErrors,
  unsupportedRequest,
} from './graph-errors.ts';
import { graphParams, listParam, stringParam } from './graph-params.ts';
import { pageTokenFor } from './oauth-tokens.ts';
import { MESSAGING_ACCESS, missingAccess } from './page-access.ts';
import type { PageRecord } from './state-types.ts';
import { avatarUrl, originOf } from './urls.ts';

type Node = { Params: { node: string } };

const USER_FIELDS = new Set(['id', 'name', 'first_name', 'last_name', 'profile_pic', 'locale', 'timezone', 'gender']);
const DEFAULT_USER_FIELDS = ['first_name', 'last_name', 'profile_pic', 'id'];

/** Picks requested fields from a node, always with its id; an unknown field is error 100. */
function pick(
  node: Record<string, unknown>,
  fields: string[],
  allowed: Set<string>,
  type: string,
): Record<string, unknown> | GraphError {
  const unknown = fields.find((field) => !allowed.has(field));
  if (unknown) return invalidParam(`Tried accessing nonexisting field (${unknown}) on node type (${type})`);
  const result: Record<string, unknown> = {};
  for (const field of fields) if (node[field] !== undefined) result[field] = node[field];
  result.id = node.id;
  return result;
}

/** User profile, pages, apps and `/me` (messenger-platform.md §6, §8.4). */
export const graphNodeRoutes: FastifyPluginAsync<{ ctx: EmulatorContext }> = async (app, { ctx }) => {
  const { state } = ctx;

  function userProfile(principal: Principal, psid: string, fields: string[] | undefined, origin: string) {
    const owner = state.psids.get(psid);
    const person = owner ? state.people.get(owner.person_id) : undefined;
    if (!owner || !person) return unsupportedRequest('get', psid);
    if (principal.kind !== 'page') return tokenErrors.pageTokenRequired();
    const denied = missingAccess(state, principal.token, MESSAGING_ACCESS);
    if (denied) return denied;
    if (owner.page_id !== principal.page.id) return invalidParam('No matching user found', 2018001);
    // Profiles are available only once the person has started a conversation with the page (§6).
    const conversation = state.conversations.get(`${owner.page_id}:${psid}`);
    if (!conversation?.items.some((item) => item.from === 'person'))
      return invalidParam('No profile available for this user.', 2018218);
    const node = {
      id: psid,
      name: `${person.first_name} ${person.last_name}`.trim(),
      first_name: person.first_name,
      last_name: person.last_name,
      profile_pic: person.profile_pic || avatarUrl(origin, 'people', person.id),
      locale: person.locale,
      timezone: person.timezone,
    };
    return pick(node, fields ?? DEFAULT_USER_FIELDS, USER_FIELDS, 'User');
  }

  function pageNode(principal: Principal, page: PageRecord, fields: string[] | undefined, origin: string) {
    const node: Record<string, unknown> = {
      id: page.id,
      name: page.name,
      category: 'Business',
      picture: { data: { url: page.picture_url || avatarUrl(origin, 'pages', page.id) } },
    };
    if (fields?.includes('access_token')) {
      if (principal.kind === 'user' && principal.token.granted_page_ids.includes(page.id)) {
        node.access_token = pageTokenFor(ctx, principal.token, page).token;
      } else if (principal.kind === 'page' && principal.page.id === page.id) {
        node.access_token = principal.token.token;
      } else {
        return graphError(190, 'The user must be an administrator of the page to get its access token', { raw: true });
      }
    }
    return pick(node, fields ?? ['name'], new Set(['id', 'name', 'category', 'picture', 'access_token']), 'Page');
  }

  app.get<Node>('/:node', async (request, reply) => {
    const params = graphParams(request);
    const principal = authenticate(ctx, request, params);
    if (isGraphError(principal)) return sendGraphError(reply, principal);
    const fields = listParam(params, 'fields');
    const origin = originOf(ctx, request);
    const node = request.params.node;
    let result: Record<string, unknown> | GraphError;
    if (node === 'me') {
      if (principal.kind === 'page') result = pageNode(principal, principal.page, fields, origin);
      else if (principal.kind === 'user')
        result = pick(
          { id: principal.account.id, name: principal.account.name },
          fields ?? ['name'],
          new Set(['id', 'name']),
          'User',
        );
      else
        result = graphError(2500, 'An active access token must be used to query information about the current user.', {
          raw: true,
        });
    } else if (state.pages.has(node)) {
      result = pageNode(principal, state.pages.get(node) as PageRecord, fields, origin);
    } else if (state.apps.has(node)) {
      result = pick(
        { id: node, name: state.apps.get(node)?.name },
        fields ?? ['name'],
        new Set(['id', 'name']),
        'Application',
      );
    } else if (principal.kind === 'user' && principal.account.id === node) {
      result = pick({ id: node, name: principal.account.name }, fields ?? ['name'], new Set(['id', 'name']), 'User');
    } else {
      result = userProfile(principal, node, fields, origin);
    }
    return isGraphError(result) ? sendGraphError(reply, result) : result;
  });

  app.get<Node>('/:node/accounts', async (request, reply) => {
    const params = graphParams(request);
    const principal = authenticate(ctx, request, params);
    if (isGraphError(principal)) return sendGraphError(reply, principal);
    if (principal.kind !== 'user' || (request.params.node !== 'me' && request.params.node !== principal.account.id)) {
      return sendGraphError(reply, unsupportedRequest('get', request.params.node));
    }
    if (!principal.token.scopes.includes('pages_show_list')) {
      return sendGraphError(reply, graphError(200, 'Requires pages_show_list permission to manage the object'));
    }
    const fields = listParam(params, 'fields') ?? ['id', 'name', 'access_token', 'tasks', 'category'];
    const data = principal.account.pages
      .filter((entry) => principal.token.granted_page_ids.includes(entry.page_id))
      .flatMap((entry) => {
        const page = state.pages.get(entry.page_id);
        if (!page) return [];
        const node = {
          id: page.id,
          name: page.name,
          category: 'Business',
          tasks: entry.tasks,
          access_token: pageTokenFor(ctx, principal.token, page).token,
        };
        return [Object.fromEntries(Object.entries(node).filter(([key]) => key === 'id' || fields.includes(key)))];
      });
    return { data, paging: { cursors: { before: 'QVFIUmZA', after: 'QVFIUmZB' } } };
  });

  app.get<Node>('/:node/ids_for_pages', async (request, reply) => {
    const params = graphParams(request);
    const principal = authenticate(ctx, request, params);
    if (isGraphError(principal)) return sendGraphError(reply, principal);
    // The ID Matching API requires appsecret_proof (§6); resolveToken has checked it when present.
    if (!stringParam(params, 'appsecret_proof') || !tokenFrom(request, params))
      return sendGraphError(reply, tokenErrors.proofRequired());
    if (principal.kind !== 'page') return sendGraphError(reply, tokenErrors.pageTokenRequired());
    const owner = state.psids.get(request.params.node);
    if (!owner || owner.page_id !== principal.page.id)
      return sendGraphError(reply, invalidParam('No matching user found', 2018001));
    const person = state.people.get(owner.person_id);
    // "Same business" is approximated as: pages whose default app is the caller's app.
    const data = [...state.pages.values()]
      .filter((page) => page.id !== principal.page.id && page.app_id === principal.app.id && person?.psids[page.id])
      .map((page) => ({ id: person?.psids[page.id], page: { id: page.id, name: page.name } }));
    return { data, paging: { cursors: { before: 'QVFIUmZA', after: 'QVFIUmZB' } } };
  });
};
