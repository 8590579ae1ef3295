// Who may open an account from the web (MCPEMAILS_SIGNUP). The default is "invite": a reference
// server reached from the internet should not let any stranger open a workspace that sends mail
// from it, and an operator who wants that says "open". The very first account can always be made:
// from a loopback address, or anywhere with the one-time link printed at first start.
//   open    anyone signs up (and opens a workspace); owners invite members by link
//   invite  only with an invitation link: an owner's (joins their workspace) or an operator's
//   closed  only with an operator's invitation (pnpm cli user invite) or account (pnpm cli user create);
//           owners cannot make invitation links
export const SIGNUP_MODES = ["open", "invite", "closed"] as const;
export type SignupMode = (typeof SIGNUP_MODES)[number];
export const DEFAULT_SIGNUP_MODE: SignupMode = "invite";

export function parseSignupMode(value: string | undefined): SignupMode {
  if (value === undefined || value.trim() === "") return DEFAULT_SIGNUP_MODE;
  const mode = value.trim().toLowerCase();
  if (!(SIGNUP_MODES as readonly string[]).includes(mode))
    throw new Error(`MCPEMAILS_SIGNUP must be one of ${SIGNUP_MODES.join(", ")}; got "${value}".`);
  return mode as SignupMode;
}

export interface SignupContext {
  mode: SignupMode;
  /** No account exists yet. */
  firstAccount: boolean;
  fromLoopback: boolean;
  /** The person came with a valid invite link. */
  invited: boolean;
}

/** undefined when this person may sign up, else the sentence the sign-up page shows. */
export function signupRefusal(context: SignupContext): string | undefined {
  if (context.invited) return undefined;
  if (context.firstAccount && context.fromLoopback) return undefined;
  if (context.firstAccount)
    return "The first account of this server is created from the server's own machine, or with the one-time link it printed at its first start.";
  if (context.mode === "open") return undefined;
  if (context.mode === "invite")
    return "Sign-up on this server is by invitation: ask a workspace owner or the operator for a link.";
  return "Sign-up is closed on this server: the operator creates accounts (pnpm cli user create).";
}
