// One HTTP round trip as the report shows it: enough to reproduce a failure by hand.

/** Which configured key a request carried; the key itself never goes into a report. */
export type KeyLabel =
  | "token"
  | "read-only-token"
  | "send-only-token"
  | "revoked-token"
  | "approval-token"
  | "undo-token"
  | "malformed"
  | "none";

export interface RecordedRequest {
  url: string;
  headers: Record<string, string>;
  key: KeyLabel;
  body: string;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Exchange {
  request: RecordedRequest;
  response: RecordedResponse | { networkError: string };
}

// Conformance cases send attachments of 10 MiB; a report with them in full would be unreadable.
const LONGEST_RECORDED_BODY = 4000;

export function recordBody(body: string): string {
  if (body.length <= LONGEST_RECORDED_BODY) return body;
  return `${body.slice(0, LONGEST_RECORDED_BODY)}... (${body.length - LONGEST_RECORDED_BODY} more characters)`;
}

const KEY_VARIABLE: Record<KeyLabel, string | undefined> = {
  token: "$MCPEMAILS_TOKEN",
  "read-only-token": "$MCPEMAILS_READ_ONLY_TOKEN",
  "send-only-token": "$MCPEMAILS_SEND_ONLY_TOKEN",
  "revoked-token": "$MCPEMAILS_REVOKED_TOKEN",
  "approval-token": "$MCPEMAILS_APPROVAL_TOKEN",
  "undo-token": "$MCPEMAILS_UNDO_TOKEN",
  malformed: undefined,
  none: undefined,
};

/** A curl command that sends the request again, with the key as a shell variable named after its option. */
export function curlCommand(request: RecordedRequest): string {
  const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
  const headers = Object.entries(request.headers).map(([name, value]) => {
    const variable = name === "authorization" ? KEY_VARIABLE[request.key] : undefined;
    return variable ? `-H "authorization: Bearer ${variable}"` : `-H ${quote(`${name}: ${value}`)}`;
  });
  const body =
    request.body.length > LONGEST_RECORDED_BODY
      ? "(body too large to repeat here; see the check's request)"
      : quote(request.body);
  return ["curl -sS -X POST", quote(request.url), ...headers, "--data-binary", body].join(" ");
}
