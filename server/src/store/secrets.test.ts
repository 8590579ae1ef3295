import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSecretBox, parseSecretKey, resolveSecretKey, SECRET_KEY_ENV, SECRET_KEY_FILE } from "./secrets.js";

const temporaryDirs: string[] = [];
const temporaryDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "mcpemails-secrets-"));
  temporaryDirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("sealing secrets (AES-256-GCM)", () => {
  const box = createSecretBox(randomBytes(32));

  it("opens what it sealed, non-ASCII and empty values included", () => {
    for (const plaintext of [
      "hunter2",
      "pässwörd ✓ 密码",
      "",
      JSON.stringify({ refresh_token: "1//0g".repeat(100) }),
    ]) {
      expect(box.open(box.seal(plaintext, "inbox:1"), "inbox:1")).toBe(plaintext);
    }
  });

  it("writes v1:<iv>:<tag>:<ciphertext>, a 12-byte IV and a 16-byte tag, and no plaintext", () => {
    const sealed = box.seal("hunter2", "inbox:1");
    const [version, iv, tag, ciphertext] = sealed.split(":");
    expect(version).toBe("v1");
    expect(Buffer.from(iv ?? "", "base64")).toHaveLength(12);
    expect(Buffer.from(tag ?? "", "base64")).toHaveLength(16);
    expect(Buffer.from(ciphertext ?? "", "base64")).toHaveLength("hunter2".length);
    expect(sealed).not.toContain("hunter2");
  });

  it("uses a fresh IV every time: sealing one value twice gives two different strings", () => {
    expect(box.seal("same", "inbox:1")).not.toBe(box.seal("same", "inbox:1"));
  });

  it("refuses a value sealed under another key, for another record, or altered", () => {
    const sealed = box.seal("hunter2", "inbox:1");
    expect(() => createSecretBox(randomBytes(32)).open(sealed, "inbox:1")).toThrow(/failed authentication/);
    expect(() => box.open(sealed, "inbox:2")).toThrow(/failed authentication/);
    const [version, iv, tag, ciphertext] = sealed.split(":");
    const flipped = Buffer.from(ciphertext ?? "", "base64").map((byte, i) => (i === 0 ? byte ^ 1 : byte));
    expect(() => box.open([version, iv, tag, Buffer.from(flipped).toString("base64")].join(":"), "inbox:1")).toThrow(
      /failed authentication/,
    );
    expect(() => box.open("v2:a:b:c", "inbox:1")).toThrow(/not a sealed secret/);
  });

  it("takes only a 32-byte key", () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(RangeError);
  });
});

describe(`the secret key: ${SECRET_KEY_ENV} or <dataDir>/${SECRET_KEY_FILE}`, () => {
  const key = randomBytes(32);

  it("reads 64 hex characters or the base64 of 32 bytes", () => {
    expect(parseSecretKey(key.toString("hex"))).toEqual(key);
    expect(parseSecretKey(`${key.toString("base64")}\n`)).toEqual(key);
    expect(() => parseSecretKey("too short")).toThrow(SECRET_KEY_ENV);
    expect(() => parseSecretKey(randomBytes(16).toString("base64"))).toThrow(SECRET_KEY_ENV);
  });

  it("prefers the environment and then writes no file", () => {
    const dataDir = temporaryDataDir();
    expect(resolveSecretKey({ dataDir, env: { [SECRET_KEY_ENV]: key.toString("hex") } })).toEqual(key);
    expect(() => statSync(join(dataDir, SECRET_KEY_FILE))).toThrow();
  });

  it("otherwise generates a key file readable by its owner only, and reuses it", () => {
    const dataDir = temporaryDataDir();
    const generated = resolveSecretKey({ dataDir, env: {} });
    expect(generated).toHaveLength(32);
    expect(statSync(join(dataDir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, SECRET_KEY_FILE), "utf8")).toBe(`${generated.toString("hex")}\n`);
    expect(resolveSecretKey({ dataDir, env: {} })).toEqual(generated);
  });

  it("creates the data directory when it does not exist yet", () => {
    const dataDir = join(temporaryDataDir(), "nested", "data");
    expect(resolveSecretKey({ dataDir, env: {} })).toHaveLength(32);
  });

  it("refuses a damaged key file rather than replace it (that would lose every secret)", () => {
    const dataDir = temporaryDataDir();
    writeFileSync(join(dataDir, SECRET_KEY_FILE), "not a key\n");
    expect(() => resolveSecretKey({ dataDir, env: {} })).toThrow(/does not hold a secret key/);
  });

  it("without the environment variable and without a data directory, says what to set", () => {
    expect(() => resolveSecretKey({ env: {} })).toThrow(SECRET_KEY_ENV);
  });
});
