import { describe, expect, it } from "vitest";
import { isValidAddrSpec } from "../../mail/addresses.js";
import { sandboxAddress } from "./address.js";

describe("sandboxAddress", () => {
  it("is sandbox+<first 8 of the inbox id>@sandbox.mcpemails.test, a valid address under the reserved .test domain", () => {
    const address = sandboxAddress("3F7A8B2C-1d4e-5f6a-7b8c-9d0e1f2a3b4c");
    expect(address).toBe("sandbox+3f7a8b2c@sandbox.mcpemails.test");
    expect(isValidAddrSpec(address)).toBe(true);
  });
});
