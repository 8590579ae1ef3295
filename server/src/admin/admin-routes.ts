// The admin HTTP API: what the CLI does, over HTTP, behind an admin token. Bodies and params are
// TypeBox schemas, so Fastify validates them and @fastify/swagger describes them at /admin/openapi.json.
import swagger from "@fastify/swagger";
import { Type, type Static } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import { PLANS, SCOPES } from "@mcpemails/generated";
import type { Store } from "../store/store.js";
import { adminTokenMatches, createFailureThrottle, requireStrongAdminToken } from "./admin-token.js";
import { addImapInbox, beginOAuthConnect, type ConnectDeps } from "./connect-inbox.js";
import {
  AdminInputError,
  addSandboxInbox,
  createApiKey,
  createWorkspace,
  inboxAddress,
  mailEndpoint,
  SECURITY_CHOICES,
  parsePlan,
  parseScopes,
  updateWorkspaceLimits,
  workspaceView,
} from "./operations.js";

export interface AdminRoutesOptions {
  store: Store;
  adminToken: string;
  /** Adding IMAP inboxes and connecting Gmail/Outlook ones; without it only sandbox inboxes. */
  connect?: ConnectDeps | undefined;
}

const Id = Type.String({ minLength: 1, maxLength: 64 });
const WorkspaceParams = Type.Object({ workspaceId: Id });
const IdParams = Type.Object({ id: Id });
const CreateWorkspace = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    plan: Type.Optional(Type.Union(Object.keys(PLANS).map((p) => Type.Literal(p)))),
    sends_per_day: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
// null returns a limit to the plan's quota or the server's rate windows; a field left out stays as it is.
const UpdateWorkspaceLimits = Type.Object(
  {
    rate_limits: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()])),
    calls_per_month: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
    sends_per_day: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
  },
  { additionalProperties: false },
);
const CreateKey = Type.Object(
  {
    scopes: Type.Array(Type.Union(Object.keys(SCOPES).map((s) => Type.Literal(s))), { minItems: 1 }),
    test: Type.Optional(Type.Boolean()),
    name: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
// "insecure-plaintext" says what it is: the password crosses the network unencrypted.
const Security = Type.Union(SECURITY_CHOICES.map((choice) => Type.Literal(choice)));
const AddInbox = Type.Object({ kind: Type.Literal("sandbox") }, { additionalProperties: false });
// A route of its own rather than a union with AddInbox: Fastify's ajv strips unknown properties
// while it tries each branch of a union, so the IMAP fields would be gone before their branch.
const AddImapInbox = Type.Object(
  {
    imap_host: Type.String({ minLength: 1, maxLength: 253 }),
    imap_port: Port,
    imap_security: Type.Optional(Security),
    smtp_host: Type.String({ minLength: 1, maxLength: 253 }),
    smtp_port: Port,
    smtp_security: Type.Optional(Security),
    user: Type.String({ minLength: 1, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    address: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
  },
  { additionalProperties: false },
);
const ConnectInbox = Type.Object(
  {
    kind: Type.Union([Type.Literal("gmail"), Type.Literal("outlook")]),
    /** "imap": an IMAP/SMTP inbox signing in with this consent (XOAUTH2) instead of the Gmail or Graph API. */
    via: Type.Optional(Type.Literal("imap")),
  },
  { additionalProperties: false },
);

export async function adminRoutes(
  app: FastifyInstance,
  { store, adminToken, connect }: AdminRoutesOptions,
): Promise<void> {
  const requireConnect = (): ConnectDeps => {
    if (connect === undefined)
      throw new AdminInputError("This server cannot connect real mailboxes; only sandbox inboxes can be added.");
    return connect;
  };
  await app.register(swagger, {
    openapi: {
      info: { title: "MCPEmails admin API", version: "0.1.0" },
      components: { securitySchemes: { adminToken: { type: "http", scheme: "bearer" } } },
      security: [{ adminToken: [] }],
    },
  });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  requireStrongAdminToken(adminToken);
  const throttle = createFailureThrottle();
  app.addHook("onRequest", async (request, reply) => {
    const wait = throttle.waitFor(request.ip);
    if (wait > 0)
      return reply
        .code(429)
        .header("retry-after", String(Math.ceil(wait / 1000)))
        .send({ error: "Too many failed admin token attempts from this address; try again later." });
    if (!adminTokenMatches(adminToken, request.headers.authorization)) {
      throttle.recordFailure(request.ip);
      return reply
        .code(401)
        .header("www-authenticate", 'Bearer realm="mcpemails-admin"')
        .send({ error: "A valid admin token is required: Authorization: Bearer <MCPEMAILS_ADMIN_TOKEN>." });
    }
  });
  app.setErrorHandler((error: Error & { validation?: unknown; statusCode?: number }, _request, reply: FastifyReply) => {
    if (error instanceof AdminInputError) return reply.code(400).send({ error: error.message });
    if (error.validation !== undefined) return reply.code(400).send({ error: error.message });
    return reply
      .code(error.statusCode ?? 500)
      .send({ error: error.statusCode && error.statusCode < 500 ? error.message : "Internal error." });
  });

  app.post<{ Body: Static<typeof CreateWorkspace> }>(
    "/workspaces",
    { schema: { body: CreateWorkspace } },
    async (request, reply) => {
      const workspace = await createWorkspace(store, {
        name: request.body.name,
        plan: parsePlan(request.body.plan),
        sendsPerDay: request.body.sends_per_day ?? null,
      });
      return reply.code(201).send({ workspace_id: workspace.id });
    },
  );
  app.get("/workspaces", async () => (await store.listWorkspaces()).map(workspaceView));
  app.patch<{ Params: Static<typeof WorkspaceParams>; Body: Static<typeof UpdateWorkspaceLimits> }>(
    "/workspaces/:workspaceId",
    { schema: { params: WorkspaceParams, body: UpdateWorkspaceLimits } },
    async (request) => {
      const { rate_limits, calls_per_month, sends_per_day } = request.body;
      const updated = await updateWorkspaceLimits(
        store,
        request.params.workspaceId,
        { rateLimits: rate_limits, callsPerMonth: calls_per_month, sendsPerDay: sends_per_day },
        { rateLimits: "rate_limits", callsPerMonth: "calls_per_month", sendsPerDay: "sends_per_day" },
      );
      return workspaceView(updated);
    },
  );

  app.post<{ Params: Static<typeof WorkspaceParams>; Body: Static<typeof CreateKey> }>(
    "/workspaces/:workspaceId/keys",
    { schema: { params: WorkspaceParams, body: CreateKey } },
    async (request, reply) => {
      const { record, key } = await createApiKey(store, {
        workspaceId: request.params.workspaceId,
        scopes: parseScopes(request.body.scopes.join(",")),
        mode: request.body.test ? "test" : "live",
        ...(request.body.name ? { name: request.body.name } : {}),
      });
      return reply.code(201).send({ key_id: record.id, key });
    },
  );
  app.get<{ Params: Static<typeof WorkspaceParams> }>(
    "/workspaces/:workspaceId/keys",
    { schema: { params: WorkspaceParams } },
    async (request) =>
      (await store.listApiKeys(request.params.workspaceId)).map((k) => ({
        key_id: k.id,
        hint: k.hint,
        mode: k.mode,
        scopes: k.scopes,
        revoked_at: k.revokedAt,
      })),
  );
  app.delete<{ Params: Static<typeof IdParams> }>(
    "/keys/:id",
    { schema: { params: IdParams } },
    async (request, reply) =>
      (await store.revokeApiKey(request.params.id))
        ? reply.code(204).send()
        : reply.code(404).send({ error: `No key ${request.params.id}.` }),
  );

  app.post<{ Params: Static<typeof WorkspaceParams>; Body: Static<typeof AddInbox> }>(
    "/workspaces/:workspaceId/inboxes",
    { schema: { params: WorkspaceParams, body: AddInbox } },
    async (request, reply) => {
      const inbox = await addSandboxInbox(store, { workspaceId: request.params.workspaceId });
      return reply.code(201).send({ inbox_id: inbox.id });
    },
  );
  app.post<{ Params: Static<typeof WorkspaceParams>; Body: Static<typeof AddImapInbox> }>(
    "/workspaces/:workspaceId/inboxes/imap",
    { schema: { params: WorkspaceParams, body: AddImapInbox } },
    async (request, reply) => {
      const body = request.body;
      const inbox = await addImapInbox(store, requireConnect(), {
        workspaceId: request.params.workspaceId,
        settings: {
          imap: mailEndpoint("IMAP", body.imap_host, body.imap_port, body.imap_security),
          smtp: mailEndpoint("SMTP", body.smtp_host, body.smtp_port, body.smtp_security),
          user: body.user,
          password: body.password,
          address: inboxAddress(body.address, body.user),
        },
      });
      return reply.code(201).send({ inbox_id: inbox.id });
    },
  );
  app.post<{ Params: Static<typeof WorkspaceParams>; Body: Static<typeof ConnectInbox> }>(
    "/workspaces/:workspaceId/inboxes/connect",
    { schema: { params: WorkspaceParams, body: ConnectInbox } },
    async (request) => ({
      consent_url: await beginOAuthConnect(store, requireConnect(), {
        workspaceId: request.params.workspaceId,
        kind: request.body.kind,
        ...(request.body.via === undefined ? {} : { via: request.body.via }),
      }),
    }),
  );
  app.get<{ Querystring: { workspace?: string } }>(
    "/inboxes",
    { schema: { querystring: Type.Object({ workspace: Type.Optional(Id) }) } },
    async (request) =>
      (await store.listInboxes(request.query.workspace)).map((i) => ({
        inbox_id: i.id,
        workspace_id: i.workspaceId,
        kind: i.kind,
        mode: i.mode,
        addresses: i.addresses,
      })),
  );
  app.delete<{ Params: Static<typeof IdParams> }>(
    "/inboxes/:id",
    { schema: { params: IdParams } },
    async (request, reply) =>
      (await store.removeInbox(request.params.id))
        ? reply.code(204).send()
        : reply.code(404).send({ error: `No inbox ${request.params.id}.` }),
  );
}
