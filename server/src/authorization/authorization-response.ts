// Where the browser goes back to the client: the redirect URI with the code or the error, the client's
// state, and iss (RFC 9207), so that a client talking to several servers knows which one answered.
export function authorizationResponseUrl(
  redirectUri: string,
  params: Record<string, string>,
  state: string | null,
  issuer: string,
): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
  if (state !== null) url.searchParams.append("state", state);
  url.searchParams.append("iss", issuer);
  return url.toString();
}
