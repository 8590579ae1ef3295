// The admin HTTP API of one instance, as an operator's script would call it.
export async function adminCall(
  baseUrl: string,
  token: string,
  method: "GET" | "POST" | "DELETE",
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${baseUrl}/admin${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

/** A workspace, one test-mode key with the scopes, and sandbox inboxes, made through the admin API of one instance. */
export async function adminSetup(
  baseUrl: string,
  token: string,
  input: { plan: string; sendsPerDay?: number; scopes?: string[]; inboxes?: number },
): Promise<{ workspaceId: string; keyId: string; key: string; inboxIds: string[] }> {
  const expectStatus = (what: string, answer: { status: number; json: unknown }, status: number) => {
    if (answer.status !== status)
      throw new Error(`admin ${what} answered ${answer.status}: ${JSON.stringify(answer.json)}`);
    return answer.json as Record<string, string>;
  };
  const workspace = expectStatus(
    "create workspace",
    await adminCall(baseUrl, token, "POST", "/workspaces", {
      name: "Reliability",
      plan: input.plan,
      ...(input.sendsPerDay === undefined ? {} : { sends_per_day: input.sendsPerDay }),
    }),
    201,
  );
  const workspaceId = workspace.workspace_id as string;
  const key = expectStatus(
    "create key",
    await adminCall(baseUrl, token, "POST", `/workspaces/${workspaceId}/keys`, {
      scopes: input.scopes ?? ["read:email", "send:email"],
      test: true,
    }),
    201,
  );
  const inboxIds: string[] = [];
  for (let i = 0; i < (input.inboxes ?? 1); i++) {
    inboxIds.push(
      expectStatus(
        "add inbox",
        await adminCall(baseUrl, token, "POST", `/workspaces/${workspaceId}/inboxes`, { kind: "sandbox" }),
        201,
      ).inbox_id as string,
    );
  }
  return { workspaceId, keyId: key.key_id as string, key: key.key as string, inboxIds };
}
