// The OAuth 2.1 authorization server beside the static API keys: discovery, registration,
// /authorize (whose consent page is the dashboard's: dashboard/routes/consent-routes.ts), /token
// and /revoke. Served when the dashboard is, since signing in and consenting happen there.
import fastifyFormbody from "@fastify/formbody";
import type { FastifyInstance } from "fastify";
import type { AuthorizationServerOptions } from "./authorization-options.js";
import { authorizeRoute } from "./authorize-route.js";
import { metadataRoutes } from "./metadata-routes.js";
import { registrationRoute } from "./registration-route.js";
import { revocationRoute } from "./revocation-route.js";
import { tokenRoute } from "./token-route.js";

/** A token or revocation request is a handful of fields. */
const FORM_BODY_LIMIT = 16 * 1024;

export async function authorizationPlugin(app: FastifyInstance, options: AuthorizationServerOptions): Promise<void> {
  await app.register(fastifyFormbody, { bodyLimit: FORM_BODY_LIMIT });
  await app.register(metadataRoutes, options);
  await app.register(registrationRoute, options);
  await app.register(authorizeRoute, options);
  await app.register(tokenRoute, options);
  await app.register(revocationRoute, options);
}
