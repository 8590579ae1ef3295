// The dashboard's stylesheet and script, read once at start from server/assets/ (beside src/ and
// dist/, so the same path works from both) and served with a content hash as ETag.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { ASSETS_PATH } from "./views/layout.js";

const ASSETS: Record<string, string> = {
  "dashboard.css": "text/css; charset=utf-8",
  "dashboard.js": "text/javascript; charset=utf-8",
};

export async function assetRoutes(app: FastifyInstance): Promise<void> {
  for (const [name, type] of Object.entries(ASSETS)) {
    const body = readFileSync(new URL(`../../assets/${name}`, import.meta.url));
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 16)}"`;
    app.get(`${ASSETS_PATH}/${name}`, async (request, reply) => {
      reply.header("cache-control", "no-cache").header("etag", etag).type(type);
      if (request.headers["if-none-match"] === etag) return reply.code(304).send();
      return reply.send(body);
    });
  }
}
