// Allow on the consent page: a code for what the person chose, kept by its sha256, and the redirect
// back to the client that carries it.
import { randomUUID } from "node:crypto";
import type { KeyMode, Scope } from "@mcpemails/generated";
import type { Store } from "../store/store.js";
import { authorizationResponseUrl } from "./authorization-response.js";
import type { ConsentRequest } from "./consent-request.js";
import {
  AUTHORIZATION_CODE_LIFETIME_MS,
  AUTHORIZATION_CODE_PREFIX,
  generateSecret,
  hashSecret,
} from "./oauth-secrets.js";

export interface Consent {
  userId: string;
  workspaceId: string;
  mode: KeyMode;
  inboxIds: string[];
  scopes: Scope[];
}

/** The URL to send the browser to: the client's redirect URI with code, state and iss. */
export async function issueAuthorizationCode(
  store: Store,
  request: ConsentRequest,
  consent: Consent,
  now: Date,
): Promise<string> {
  const code = generateSecret(AUTHORIZATION_CODE_PREFIX);
  await store.createAuthorizationCode({
    id: hashSecret(code),
    clientId: request.clientId,
    userId: consent.userId,
    workspaceId: consent.workspaceId,
    mode: consent.mode,
    inboxIds: consent.inboxIds,
    scopes: consent.scopes,
    redirectUri: request.redirectUri,
    resource: request.resource,
    codeChallenge: request.codeChallenge,
    grantId: randomUUID(),
    createdAt: now.toISOString(),
    expiresAtMs: now.getTime() + AUTHORIZATION_CODE_LIFETIME_MS,
  });
  return authorizationResponseUrl(request.redirectUri, { code }, request.state, request.issuer);
}
