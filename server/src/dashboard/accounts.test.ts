// Accounts in the dashboard, over real HTTP: signing up opens a workspace, sessions live in the
// store, every form needs its CSRF token, sign-in is throttled, and MCPEMAILS_SIGNUP decides who
// may sign up (the very first account always can, from loopback or with the start-up link).
import { afterEach, describe, expect, it } from "vitest";
import { csrfOf, dashboardClient, signedUpClient } from "../../test/support/dashboard-client.js";
import { startTestServer, type TestServer } from "../../test/support/test-server.js";
import { createInvite, inviteLink } from "./accounts/accounts.js";
import { FAILURES_PER_EMAIL, SIGN_UPS_PER_ADDRESS } from "./accounts/sign-in-throttle.js";
import { SESSION_COOKIE } from "./accounts/sessions.js";
import type { SignupMode } from "./accounts/signup-policy.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const start = async (signup: SignupMode = "open") => {
  server = await startTestServer({ signup });
  return server.url.replace(/\/mcp$/u, "");
};

describe("signing up", () => {
  it("opens a workspace owned by the new account and signs it in with an HttpOnly, SameSite session cookie", async () => {
    const base = await start();
    const person = dashboardClient(base);
    const signup = await person.get("/dashboard/signup");
    expect(signup.text).toContain('<label for="email">Email</label>');
    expect(signup.text).toContain('<label for="password">Password</label>');
    expect(signup.text).toContain(">Sign up</button>");
    const response = await fetch(`${base}/dashboard/signup`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: [...person.cookies].map(([n, v]) => `${n}=${v}`).join("; "),
      },
      body: new URLSearchParams({
        _csrf: csrfOf(signup.text),
        email: "Ada@Example.com",
        password: "a long enough password",
        workspace: "Analytical Engines",
      }).toString(),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/dashboard/inboxes?done=welcome");
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith(`${SESSION_COOKIE}=`)) ?? "";
    expect(cookie).toMatch(/HttpOnly/iu);
    expect(cookie).toMatch(/SameSite=Lax/iu);
    expect(cookie).toMatch(/Path=\/dashboard/iu);
    // Plain HTTP here: Secure only when served over HTTPS.
    expect(cookie).not.toMatch(/Secure/iu);

    const user = await server?.store.findUserByEmail("ada@example.com");
    expect(user?.email).toBe("Ada@Example.com");
    expect(user?.passwordHash).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$/u);
    const [membership] = (await server?.store.listMembershipsOfUser(user?.id ?? "")) ?? [];
    expect(membership?.role).toBe("owner");
    expect((await server?.store.getWorkspace(membership?.workspaceId ?? ""))?.name).toBe("Analytical Engines");
  });

  it("refuses a taken email in any case, a short password and a non-address, saying which, and creates nothing", async () => {
    const base = await start();
    await signedUpClient(base, "grace@example.com");
    const workspacesBefore = (await server?.store.listWorkspaces())?.length;
    const again = dashboardClient(base);
    const taken = await again.post("/dashboard/signup", {
      email: "GRACE@example.com",
      password: "another long password",
    });
    expect(taken.status).toBe(400);
    expect(taken.text).toContain("An account with this email already exists");
    const short = await again.post("/dashboard/signup", { email: "new@example.com", password: "short" });
    expect(short.text).toContain("at least 10 characters");
    const notAnAddress = await again.post("/dashboard/signup", {
      email: "not an address",
      password: "long enough, surely",
    });
    expect(notAnAddress.text).toContain("is not an email address");
    expect((await server?.store.listWorkspaces())?.length).toBe(workspacesBefore);
    expect(await server?.store.countUsers()).toBe(1);
  });
});

describe("sign-up throttling", () => {
  it("takes at most SIGN_UPS_PER_ADDRESS sign-ups an hour from one address, each costing a password hash", async () => {
    const base = await start();
    const person = dashboardClient(base);
    for (let i = 0; i < SIGN_UPS_PER_ADDRESS; i++)
      expect((await person.post("/dashboard/signup", { email: `p${i}@example.com`, password: "short" })).status).toBe(
        400,
      );
    const refused = await person.post("/dashboard/signup", {
      email: "late@example.com",
      password: "long enough, surely",
    });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain("Too many sign-ups from this address");
    expect(await server?.store.countUsers()).toBe(0);
  });
});

describe("signing in and out", () => {
  it("signs in with the right password only, and signing out ends the session in the store", async () => {
    const base = await start();
    await signedUpClient(base, "lin@example.com", "the right password");
    const person = dashboardClient(base);
    const wrong = await person.post("/dashboard/login", { email: "lin@example.com", password: "a wrong password" });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain("The email or the password is not right.");
    const unknown = await person.post("/dashboard/login", {
      email: "nobody@example.com",
      password: "a wrong password",
    });
    expect(unknown.text).toContain("The email or the password is not right.");

    const right = await person.post("/dashboard/login", { email: "LIN@example.com", password: "the right password" });
    expect(right.status).toBe(303);
    expect((await person.get("/dashboard/inboxes")).status).toBe(200);
    const token = person.cookies.get(SESSION_COOKIE) ?? "";

    const out = await person.post("/dashboard/logout", {}, "/dashboard/inboxes");
    expect(out.location).toBe("/dashboard/login?done=signed-out");
    // The old cookie, replayed, signs nobody in: the session is gone from the store.
    const replay = dashboardClient(base);
    replay.cookies.set(SESSION_COOKIE, token);
    const page = await replay.get("/dashboard/inboxes");
    expect(page.status).toBe(303);
    expect(page.location).toBe("/dashboard/login?next=%2Fdashboard%2Finboxes");
  });

  it("throttles failed sign-ins per account: past the limit even the right password waits", async () => {
    const base = await start();
    await signedUpClient(base, "kim@example.com", "the right password");
    const guesser = dashboardClient(base);
    for (let i = 0; i < FAILURES_PER_EMAIL; i++)
      expect(
        (await guesser.post("/dashboard/login", { email: "kim@example.com", password: `guess ${i}` })).status,
      ).toBe(401);
    const refused = await guesser.post("/dashboard/login", {
      email: "kim@example.com",
      password: "the right password",
    });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain("Too many failed sign-ins");
  });

  it("sends a person back only to a dashboard page after signing in, never to another site", async () => {
    const base = await start();
    await signedUpClient(base, "ro@example.com", "the right password");
    for (const [next, expected] of [
      ["/dashboard/keys", "/dashboard/keys"],
      ["https://evil.example/", "/dashboard/inboxes"],
      ["//evil.example/dashboard", "/dashboard/inboxes"],
      ["/dashboard/../admin", "/dashboard/inboxes"],
    ]) {
      const person = dashboardClient(base);
      const answer = await person.post("/dashboard/login", {
        email: "ro@example.com",
        password: "the right password",
        next: next ?? "",
      });
      expect(answer.location).toBe(expected);
    }
  });
});

describe("CSRF", () => {
  it("refuses a form without its token, with another session's token, or from another site, and does nothing", async () => {
    const base = await start();
    const owner = await signedUpClient(base, "owner@example.com");
    const other = await signedUpClient(base, "other@example.com");
    const inboxesBefore = (await server?.store.listInboxes())?.length;
    const missing = await owner.post("/dashboard/inboxes/connect/sandbox", { _csrf: "" });
    expect(missing.status).toBe(403);
    expect(missing.text).toContain("This form has expired or was not sent from this dashboard");
    const othersToken = csrfOf((await other.get("/dashboard/inboxes/connect")).text);
    expect((await owner.post("/dashboard/inboxes/connect/sandbox", { _csrf: othersToken })).status).toBe(403);
    const crossSite = await fetch(`${base}/dashboard/inboxes/connect/sandbox`, {
      method: "POST",
      redirect: "manual",
      headers: {
        origin: "https://evil.example",
        "content-type": "application/x-www-form-urlencoded",
        cookie: [...owner.cookies].map(([n, v]) => `${n}=${v}`).join("; "),
      },
      body: `_csrf=${encodeURIComponent(csrfOf((await owner.get("/dashboard/inboxes/connect")).text))}`,
    });
    expect(crossSite.status).toBe(403);
    expect((await server?.store.listInboxes())?.length).toBe(inboxesBefore);
    // With its own token the same form works.
    expect((await owner.post("/dashboard/inboxes/connect/sandbox", {}, "/dashboard/inboxes/connect")).status).toBe(303);
  });
});

describe("who may sign up (MCPEMAILS_SIGNUP)", () => {
  it("invite: strangers are refused, a workspace owner's link joins that workspace once", async () => {
    const base = await start("invite");
    // The first account, from loopback: always possible.
    const owner = await signedUpClient(base, "first@example.com");
    const stranger = dashboardClient(base);
    const refused = await stranger.get("/dashboard/signup");
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("Sign-up on this server is by invitation");

    const invited = await owner.post("/dashboard/members/invite", { role: "member" }, "/dashboard/members");
    expect(invited.status).toBe(201);
    const link = new URL(
      /(http:\/\/[^"<\s]+\/dashboard\/signup\?invite&#61;[\w-]+)/u.exec(invited.text)?.[1]?.replace("&#61;", "=") ?? "",
    );
    const token = link.searchParams.get("invite") ?? "";
    const joiner = dashboardClient(base);
    const form = await joiner.get(`/dashboard/signup?invite=${token}`);
    expect(form.status).toBe(200);
    const joined = await joiner.post(
      "/dashboard/signup",
      { email: "second@example.com", password: "a long enough password", invite: token },
      `/dashboard/signup?invite=${token}`,
    );
    expect(joined.status).toBe(303);
    const ownerUser = await server?.store.findUserByEmail("first@example.com");
    const [ownerMembership] = (await server?.store.listMembershipsOfUser(ownerUser?.id ?? "")) ?? [];
    const members = (await server?.store.listMembersOfWorkspace(ownerMembership?.workspaceId ?? "")) ?? [];
    expect(members.map((m) => m.role).sort()).toEqual(["member", "owner"]);
    // Used once: a second person with the same link is refused.
    const late = dashboardClient(base);
    const reused = await late.post(
      "/dashboard/signup",
      { email: "third@example.com", password: "a long enough password", invite: token },
      `/dashboard/signup?invite=${token}`,
    );
    expect(reused.text).toContain("expired or was already used");
    expect(await server?.store.findUserByEmail("third@example.com")).toBeUndefined();
  });

  it("closed: nobody signs up from the web once an account exists; an operator's invitation still works", async () => {
    const base = await start("closed");
    await signedUpClient(base, "first@example.com");
    expect((await dashboardClient(base).get("/dashboard/signup")).text).toContain("Sign-up is closed on this server");
    const { token } = await createInvite(server!.store, { workspaceId: null, role: "owner", now: new Date() });
    expect(inviteLink(base, token)).toBe(`${base}/dashboard/signup?invite=${token}`);
    const person = dashboardClient(base);
    const answer = await person.post(
      "/dashboard/signup",
      { email: "ops-invited@example.com", password: "a long enough password", invite: token },
      `/dashboard/signup?invite=${token}`,
    );
    expect(answer.status).toBe(303);
  });
});
