/** Types of signed-in-user.js, for the unit tests (the browser loads the .js as it is). */
import type { ApiError } from './format.js';

/** The signed-in user as `GET /api/me` gives them. */
export interface SignedInUser {
  id: string;
  role: string;
  configured_admin?: boolean;
  [field: string]: unknown;
}
export interface SignedInUserApi {
  me(): Promise<{ ok: true; value: SignedInUser } | { ok: false; error: ApiError }>;
  [call: string]: (...args: never[]) => unknown;
}
export function createSignedInUser(options: { api: SignedInUserApi; me: SignedInUser }): {
  /** The user as the newest answer applied brought them (the sign-in's until one is). */
  current(): SignedInUser;
  /** Resolves to false when the read failed or was dropped: an answer older than one applied changes nothing. */
  refresh(): Promise<boolean>;
};
