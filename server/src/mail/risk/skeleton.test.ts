import { remove } from "confusables";
import { describe, expect, it } from "vitest";
import { skeleton } from "./skeleton.js";

const EVERY_ASCII = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)).join("");

describe("the skeleton of a text", () => {
  it("of ASCII text is the confusables table's, case folded: control characters dropped, letters and digits kept", () => {
    for (const character of EVERY_ASCII)
      expect(skeleton(`a${character}b`), `code ${character.charCodeAt(0)}`).toBe(
        remove(`a${character}b`.normalize("NFKC")).toLowerCase(),
      );
    expect(skeleton("<|IM_START|> PayPal examp1e")).toBe("<|im_start|> paypal examp1e");
  });

  it("folds look-alike letters of other scripts, compatibility forms and invisible characters", () => {
    expect(skeleton("p\u0430yp\u0430l")).toBe("paypal");
    expect(skeleton("ｉｇｎｏｒｅ")).toBe("ignore");
    expect(skeleton("ig\u200bnore")).toBe("ignore");
  });
});
