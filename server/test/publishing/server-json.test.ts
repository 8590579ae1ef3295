// server.json, the repository's entry for the MCP Registry, against the registry's JSON Schema
// (2025-12-11) and the rules of the official registry that its schema does not spell out.
//
// The schema: no npm package ships it yet, and it is not copied into this repository, so the
// schema test reads it from $MCPEMAILS_SERVER_JSON_SCHEMA, else from
// server/test/publishing/server.schema.2025-12-11.json (not committed), and is skipped, saying so,
// when neither is there. The schema is published at the URL in server.json's "$schema".
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type AnySchema } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { SERVER_INFO } from "../../src/app.js";

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

const root = fileURLToPath(new URL("../../../", import.meta.url));
const SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";
const schemaPath =
  process.env.MCPEMAILS_SERVER_JSON_SCHEMA ?? join(root, "server/test/publishing/server.schema.2025-12-11.json");
const schemaFound = existsSync(schemaPath);

interface Input {
  description?: string;
  isRequired?: boolean;
  isSecret?: boolean;
  value?: string;
}
interface ServerJson {
  $schema: string;
  name: string;
  description: string;
  version: string;
  repository?: { url: string; source: string };
  remotes?: {
    type: string;
    url: string;
    variables?: Record<string, Input>;
    headers?: (Input & { name: string })[];
  }[];
}

const serverJson = JSON.parse(readFileSync(join(root, "server.json"), "utf8")) as ServerJson;

function compileSchema() {
  const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as { $id?: string; $schema?: string };
  const ajv = schema.$schema?.includes("2020-12") ? new Ajv2020({ allErrors: true }) : new Ajv({ allErrors: true });
  // The registry's schema annotates its fields with "example", which is no JSON Schema keyword.
  ajv.addKeyword("example");
  addFormats(ajv as Ajv);
  return { schema, validate: ajv.compile(schema as AnySchema) };
}

describe("server.json", () => {
  it("names the 2025-12-11 schema and the server's own version", () => {
    expect(serverJson.$schema).toBe(SCHEMA_URL);
    expect(serverJson.version).toBe(SERVER_INFO.version);
  });

  it("has a name the official registry accepts for a GitHub namespace: io.github.<owner>/<server>", () => {
    // Exactly one slash; the namespace io.github.<owner> is proven by logging in to the registry as
    // that GitHub user or organization, whose repository is the one named.
    expect(serverJson.name).toMatch(/^io\.github\.[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/);
    const owner = serverJson.name.slice("io.github.".length, serverJson.name.indexOf("/"));
    expect(serverJson.repository).toEqual({
      url: expect.stringMatching(`^https://github\\.com/${owner}/`),
      source: "github",
    });
    expect(serverJson.description.length).toBeLessThanOrEqual(100);
  });

  it("lists /mcp over streamable HTTP, every URL variable declared, with a required secret Authorization header", () => {
    const remote = serverJson.remotes?.find((r) => r.type === "streamable-http");
    expect(remote?.url).toMatch(/^https:\/\/\S+\/mcp$/);
    const used = [...(remote?.url ?? "").matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    expect(Object.keys(remote?.variables ?? {}).sort()).toEqual([...new Set(used)].sort());
    for (const variable of Object.values(remote?.variables ?? {})) expect(variable.isRequired).toBe(true);
    const authorization = remote?.headers?.filter((h) => h.name.toLowerCase() === "authorization");
    expect(authorization).toEqual([
      expect.objectContaining({ isRequired: true, isSecret: true, description: expect.stringContaining("Bearer") }),
    ]);
    // A secret is the user's to give: server.json never carries one.
    expect(authorization?.[0]?.value).toBeUndefined();
  });

  it.skipIf(!schemaFound)(
    `is valid against the registry's JSON Schema (read from ${schemaPath}), which rejects a broken copy`,
    () => {
      const { schema, validate } = compileSchema();
      expect(schema.$id).toBe(SCHEMA_URL);
      validate(serverJson);
      expect(validate.errors ?? []).toEqual([]);
      // Not vacuous: the same schema refuses what the registry refuses.
      expect(validate({ ...serverJson, description: "x".repeat(101) })).toBe(false);
      expect(validate({ ...serverJson, name: "mcpemails" })).toBe(false);
      expect(validate({ ...serverJson, remotes: [{ type: "streamable-http", url: "/mcp" }] })).toBe(false);
    },
  );
  if (!schemaFound)
    console.warn(
      `server.json was not validated against the registry's JSON Schema: no file at ${schemaPath} (set MCPEMAILS_SERVER_JSON_SCHEMA)`,
    );
});
