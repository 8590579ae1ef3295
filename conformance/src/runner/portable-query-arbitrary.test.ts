// The generated queries must be portable queries, or positive search inputs would be refused.
import fc from "fast-check";
import { expect, it } from "vitest";
import { parseSearchQuery } from "@mcpemails/generated";
import { portableQuery } from "./portable-query-arbitrary.js";

it("generates only queries the portable parser accepts, within the 2048-character query limit", () => {
  fc.assert(
    fc.property(portableQuery, (query) => {
      expect(parseSearchQuery(query)).toMatchObject({ ok: true });
      expect(query.length).toBeLessThanOrEqual(2048);
    }),
    { numRuns: 500 },
  );
});
