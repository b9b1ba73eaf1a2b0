import { createGraphRequester, type GraphRequestOptions } from './graph-request.ts';
import { createHandoverApi, type HandoverApi } from './handover-api.ts';
import { createMessengerProfileApi, type MessengerProfileApi } from './messenger-profile-api.ts';
import { createOAuthApi, type OAuthApi } from './oauth-api.ts';
import { createPagesApi, type PagesApi } from './pages-api.ts';
import { createProfileApi, type ProfileApi } from './profile-api.ts';
import { createSendApi, type SendApi } from './send-api.ts';

export type { GraphError, GraphFailureKind } from './graph-error.ts';
export { classifyGraphError, isRetryableKind } from './graph-error.ts';
export { appsecretProof } from './graph-request.ts';
export type { GraphFailure, GraphResult } from './graph-result.ts';
export type { MessengerProfile, MessengerProfileField } from './messenger-profile-api.ts';
export type { AccessToken, LoginDialogOptions, TokenInfo } from './oauth-api.ts';
export type { PageAccount } from './pages-api.ts';
export type { UserProfile, UserProfileField } from './profile-api.ts';
export type { AttachmentUpload, SendOutcome } from './send-api.ts';
export type { GraphUsage } from './usage.ts';

/**
 * Options of the Graph client. Every call takes the access token explicitly; tokens travel in the
 * `Authorization: Bearer` header (never in URLs) and are scrubbed from error messages and logs.
 */
export interface GraphClientOptions extends GraphRequestOptions {
  /** Send the replies of one turn of the event loop as Graph batch requests (`send-batches.ts`). Default off. */
  batchSends?: boolean;
}

/** Every Graph call Switchboard makes; expected failures are values (`SendOutcome`, `GraphResult`). */
export interface GraphClient extends SendApi, ProfileApi, MessengerProfileApi, HandoverApi, OAuthApi, PagesApi {
  /** Closes the keep-alive connections if the client created its own agent (no `dispatcher` given). */
  close(): Promise<void>;
}

/**
 * The Graph API client: one keep-alive agent shared by every area. Throws only for a `baseUrl` that is
 * not a URL; every Graph or network failure comes back as a value.
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const graph = createGraphRequester(options);
  return {
    ...createSendApi(graph, { batchSends: options.batchSends ?? false }),
    ...createProfileApi(graph),
    ...createMessengerProfileApi(graph),
    ...createHandoverApi(graph),
    ...createOAuthApi(graph, options.version),
    ...createPagesApi(graph),
    close: () => graph.close(),
  };
}
