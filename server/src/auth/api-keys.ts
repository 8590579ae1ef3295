// API keys: `mcpe_<mode>_` and 32 alphanumerics (spec api_keys). Only a sha256 of the key is
// stored: keys are random and long, so a slow password hash would add nothing but latency.
import { createHash, randomBytes } from "node:crypto";
import { API_KEY_PATTERN, API_KEYS, type KeyMode } from "@mcpemails/generated";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function generateApiKey(mode: KeyMode): string {
  let secret = "";
  while (secret.length < API_KEYS.secret_length) {
    for (const byte of randomBytes(64)) {
      // 248 = 4 * 62: dropping bytes above it keeps every character equally likely.
      if (byte < 248 && secret.length < API_KEYS.secret_length) secret += ALPHABET[byte % 62];
    }
  }
  return `${API_KEYS.modes[mode].prefix}${secret}`;
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function isWellFormedApiKey(key: string): boolean {
  return API_KEY_PATTERN.test(key);
}

export function modeOfApiKey(key: string): KeyMode | undefined {
  return (Object.keys(API_KEYS.modes) as KeyMode[]).find((mode) => key.startsWith(API_KEYS.modes[mode].prefix));
}

/** What people see of a key after creation: its prefix and last four characters. */
export function apiKeyHint(key: string): string {
  const mode = modeOfApiKey(key);
  return `${mode ? API_KEYS.modes[mode].prefix : ""}…${key.slice(-4)}`;
}
