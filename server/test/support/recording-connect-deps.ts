// ConnectDeps whose provider calls are recorders: the flows around them (state, storage, messages)
// run for real, while Google, Microsoft and the IMAP login are replaced by answers a test chooses.
import { randomBytes } from "node:crypto";
import type { ConnectDeps } from "../../src/admin/connect-inbox.js";
import { createOAuthStateSigner } from "../../src/oauth/oauth-state.js";

export const google = {
  clientId: "google-client",
  clientSecret: "google-secret",
  redirectUri: "http://127.0.0.1:3000/oauth/google/callback",
};
export const microsoft = {
  clientId: "ms-client",
  clientSecret: "ms-secret",
  tenant: "common",
  redirectUri: "http://127.0.0.1:3000/oauth/microsoft/callback",
};

/** Provider calls replaced by recorders: what the flow does with them is what is tested here. */
export function recordingConnectDeps(
  overrides: Partial<ConnectDeps> = {},
): ConnectDeps & { consented: string[]; challenges: string[]; verifiers: string[] } {
  const consented: string[] = [];
  const challenges: string[] = [];
  const verifiers: string[] = [];
  return {
    google,
    microsoft,
    stateSigner: createOAuthStateSigner(randomBytes(32)),
    verifyImap: async () => undefined,
    gmail: {
      consentUrl: (_app, state, challenge) => {
        challenges.push(challenge);
        return `https://accounts.example/consent?state=${encodeURIComponent(state)}`;
      },
      exchange: async (_app, code, verifier) => {
        consented.push(code);
        verifiers.push(verifier);
        return {
          settings: { refreshToken: `refresh-for-${code}`, address: "zoe@gmail.example" },
          address: "zoe@gmail.example",
        };
      },
    },
    outlook: {
      consentUrl: async (_app, state, challenge) => {
        challenges.push(challenge);
        return `https://login.example/authorize?state=${encodeURIComponent(state)}`;
      },
      exchange: async () => ({
        settings: { tokenCache: "{}", homeAccountId: "h", address: "zoe@outlook.example" },
        address: "zoe@outlook.example",
      }),
    },
    imapOAuth: {
      consentUrl: (service, state, challenge) => {
        challenges.push(challenge);
        return `https://${service}.example/imap-consent?state=${encodeURIComponent(state)}`;
      },
      exchange: async (service, code, verifier) => {
        consented.push(code);
        verifiers.push(verifier);
        const address = `zoe@${service}-imap.example`;
        const endpoint = (host: string, port: number) => ({ host, port, security: "tls" as const });
        return {
          settings: {
            imap: endpoint(`imap.${service}.example`, 993),
            smtp: endpoint(`smtp.${service}.example`, 465),
            user: address,
            password: "",
            address,
            oauth: { service, refreshToken: `refresh-for-${code}` },
          },
          address,
        };
      },
    },
    consented,
    challenges,
    verifiers,
    ...overrides,
  };
}
