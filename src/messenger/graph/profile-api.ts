import { isRecord, toNumber, toStr } from './graph-json.ts';
import type { GraphRequester } from './graph-request.ts';
import type { GraphResult } from './graph-result.ts';

/** What the User Profile API tells about a person (messenger-platform.md §6); every field may be missing. */
export interface UserProfile {
  first_name?: string;
  last_name?: string;
  profile_pic?: string;
  locale?: string;
  /** Offset from UTC in hours. */
  timezone?: number;
}

export type UserProfileField = keyof UserProfile;

/**
 * The fields asked for by default. `locale` and `timezone` need extra permissions that many apps lack,
 * and asking for a field the app may not read can fail the whole call, so callers ask for them explicitly.
 */
export const DEFAULT_PROFILE_FIELDS: readonly UserProfileField[] = ['first_name', 'last_name', 'profile_pic'];

export interface ProfileApi {
  /** `GET /{version}/{psid}?fields=...`. The PSID must belong to the token's page (else 100/2018001). */
  getUserProfile(
    token: string,
    psid: string,
    fields?: readonly UserProfileField[],
  ): Promise<GraphResult<{ profile: UserProfile }>>;
}

/** User Profile API calls over the shared requester. */
export function createProfileApi(graph: GraphRequester): ProfileApi {
  return {
    async getUserProfile(token, psid, fields = DEFAULT_PROFILE_FIELDS) {
      const path = `/${encodeURIComponent(psid)}`;
      const res = await graph.call({ method: 'GET', path, token, query: { fields: fields.join(',') } });
      if (!res.ok) return res;
      return { ok: true, profile: readProfile(res.body) };
    },
  };
}

function readProfile(body: unknown): UserProfile {
  if (!isRecord(body)) return {};
  const profile: UserProfile = {};
  const firstName = toStr(body.first_name);
  const lastName = toStr(body.last_name);
  const pic = toStr(body.profile_pic);
  const locale = toStr(body.locale);
  const timezone = toNumber(body.timezone);
  if (firstName !== undefined) profile.first_name = firstName;
  if (lastName !== undefined) profile.last_name = lastName;
  if (pic !== undefined) profile.profile_pic = pic;
  if (locale !== undefined) profile.locale = locale;
  if (timezone !== undefined) profile.timezone = timezone;
  return profile;
}
