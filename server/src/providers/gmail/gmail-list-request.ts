// messages.list as one HTTP request, short or long. A portable query may be 2,048 characters, which
// percent-encoded (up to 12 characters per astral code point) makes a URL far beyond what Google's
// front end and HTTP stacks take. Google's own client libraries (Java MethodOverride, .NET
// MaxUrlLengthInterceptor) send a GET whose URL passes 2,048 characters as a POST with
// X-HTTP-Method-Override: GET and the parameters form-encoded in the body; @googleapis/gmail does
// not, hence this hand-written request for the long case.
import type { gmail_v1 } from "@googleapis/gmail";
import type { GmailCalls, RequestOptions } from "./gmail-calls.js";

export const MESSAGES_URL = "https://gmail.googleapis.com/gmail/v1/users/me/messages";
/** The URL length above which Google's client libraries switch to the method override. */
export const MAX_GET_URL_LENGTH = 2048;

export interface ListParams {
  maxResults: number;
  pageToken?: string;
  q?: string;
  labelIds?: readonly string[];
  includeSpamTrash?: boolean;
}

export async function listMessages(
  calls: GmailCalls,
  params: ListParams,
  options: RequestOptions,
): Promise<gmail_v1.Schema$ListMessagesResponse> {
  const form = new URLSearchParams({ maxResults: String(params.maxResults) });
  if (params.pageToken !== undefined) form.append("pageToken", params.pageToken);
  if (params.q !== undefined) form.append("q", params.q);
  for (const label of params.labelIds ?? []) form.append("labelIds", label);
  if (params.includeSpamTrash) form.append("includeSpamTrash", "true");
  if (`${MESSAGES_URL}?${form.toString()}`.length <= MAX_GET_URL_LENGTH) {
    const { pageToken, q, labelIds, includeSpamTrash, maxResults } = params;
    const request = {
      userId: "me",
      maxResults,
      ...(pageToken === undefined ? {} : { pageToken }),
      ...(q === undefined ? {} : { q }),
      ...(labelIds === undefined ? {} : { labelIds: [...labelIds] }),
      ...(includeSpamTrash ? { includeSpamTrash } : {}),
    };
    return (await calls.api.users.messages.list(request, options)).data;
  }
  const response = await calls.oauth.request<gmail_v1.Schema$ListMessagesResponse>({
    url: MESSAGES_URL,
    method: "POST",
    headers: { "x-http-method-override": "GET", "content-type": "application/x-www-form-urlencoded" },
    data: form.toString(),
    responseType: "json",
    ...options,
  });
  return response.data;
}
