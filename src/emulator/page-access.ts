import { type GraphError, graphError } from './graph-errors.ts';
import type { EmulatorState } from './state.ts';
import type { TokenRecord } from './state-types.ts';

/** What a page edge needs of the page token it is called with. */
export interface PageAccess {
  /** Login permissions the token must carry. */
  permissions: readonly string[];
  /** Tasks on the page of which the user who granted the token must hold one; empty: none is checked. */
  tasks: readonly string[];
  /** The Graph error code when the token falls short: 10 for messaging (§4.2), 200 for other page permissions. */
  code: 10 | 200;
}

/** Send API, attachment upload, handover and user profile: `pages_messaging` and a task that allows messaging (§8.1). */
export const MESSAGING_ACCESS: PageAccess = {
  permissions: ['pages_messaging'],
  // MESSAGING, or the admin's MANAGE and the moderator's MODERATE, which include it.
  tasks: ['MESSAGING', 'MANAGE', 'MODERATE'],
  code: 10,
};

/** Messenger Profile: `pages_messaging` and an admin-level task (§5). */
export const PROFILE_ACCESS: PageAccess = { permissions: ['pages_messaging'], tasks: ['MANAGE'], code: 10 };

/** Page subscriptions (`subscribed_apps`): `pages_manage_metadata` plus `pages_show_list` (§8.6). */
export const METADATA_ACCESS: PageAccess = {
  permissions: ['pages_manage_metadata', 'pages_show_list'],
  tasks: [],
  code: 200,
};

/**
 * Why a page token may not use an edge, or undefined when it may. Tasks are checked only for tokens obtained through
 * Facebook Login: the seed's and the control API's tokens belong to no account (and carry every permission).
 */
export function missingAccess(state: EmulatorState, token: TokenRecord, access: PageAccess): GraphError | undefined {
  const permission = access.permissions.find((scope) => !token.scopes.includes(scope));
  if (permission) return graphError(access.code, `Requires ${permission} permission to manage the object`);
  if (access.tasks.length === 0 || token.account_id === undefined) return undefined;
  const account = state.accounts.get(token.account_id);
  const tasks = account?.pages.find((entry) => entry.page_id === token.page_id)?.tasks ?? [];
  if (tasks.some((task) => access.tasks.includes(task))) return undefined;
  return graphError(
    access.code,
    `The user who granted this token needs one of the tasks ${access.tasks.join(', ')} on the page`,
  );
}
