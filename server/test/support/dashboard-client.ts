// A browser without a browser, for the dashboard's HTTP-level tests: it keeps cookies, reads the
// CSRF token of the page a form is on, and follows no redirect by itself.
export interface DashboardResponse {
  status: number;
  text: string;
  location: string | null;
}

export interface DashboardClient {
  get(path: string): Promise<DashboardResponse>;
  /** Posts a form the way the page at formPage would: with that page's CSRF token unless _csrf is given. */
  post(path: string, fields: Record<string, string | string[]>, formPage?: string): Promise<DashboardResponse>;
  cookies: Map<string, string>;
}

export function csrfOf(page: string): string {
  const match = /name="_csrf" value="([^"]+)"/u.exec(page);
  if (!match?.[1]) throw new Error("the page has no CSRF token");
  return match[1];
}

export function dashboardClient(base: string, headers: Record<string, string> = {}): DashboardClient {
  const cookies = new Map<string, string>();
  const send = async (path: string, init: RequestInit = {}): Promise<DashboardResponse> => {
    const response = await fetch(`${base}${path}`, {
      ...init,
      redirect: "manual",
      headers: {
        ...headers,
        ...(init.headers as Record<string, string> | undefined),
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join("; "),
      },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const [name, ...value] = (pair ?? "").split("=");
      if (!name) continue;
      const expired = attributes.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/iu.test(a));
      if (expired || value.join("=") === "") cookies.delete(name);
      else cookies.set(name, value.join("="));
    }
    return { status: response.status, text: await response.text(), location: response.headers.get("location") };
  };
  return {
    cookies,
    get: (path) => send(path),
    async post(path, fields, formPage) {
      const body = new URLSearchParams();
      if (!("_csrf" in fields)) body.append("_csrf", csrfOf((await send(formPage ?? path)).text));
      for (const [name, value] of Object.entries(fields))
        for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
      return send(path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: body.toString(),
      });
    },
  };
}

/** Signs up a new person (with their own workspace) and returns their signed-in client. */
export async function signedUpClient(
  base: string,
  email: string,
  password = "correct horse battery staple",
): Promise<DashboardClient> {
  const client = dashboardClient(base);
  const answer = await client.post("/dashboard/signup", { email, password, workspace: `${email}'s team` });
  if (answer.status !== 303) throw new Error(`sign-up failed (${answer.status}): ${answer.text.slice(0, 500)}`);
  return client;
}
