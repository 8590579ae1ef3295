// Gmail's labels as its reference documents them:
// - labels.list (https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.labels/list)
//   gives every label, system and user, with id, name and type but no counts; system labels include
//   the CATEGORY_* tabs and CHAT besides the mail folders, their names equal to their ids;
// - labels.get (https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.labels/get)
//   adds messagesTotal, messagesUnread, threadsTotal and threadsUnread; 404 for an unknown id;
// - a user label's id is Gmail's own ("Label_12"), not its name; the search operator label: takes
//   the name, lower-cased with spaces and slashes written as hyphens
//   (https://support.google.com/mail/answer/7190: "label:my-family").
// threads.get (https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.threads/get)
// gives the thread's messages oldest first, in the requested format; 404 for an unknown thread. The
// fake serves format minimal (each message's id, threadId, labelIds, internalDate...: what
// messages.get gives in that format) and refuses the others, which the provider does not ask for.
import type { gmail_v1 } from "@googleapis/gmail";
import { HttpResponse } from "msw";
import { googleError, minimal, type Context, type Route } from "./fake-gmail-api.js";
import { userLabelName, userLabels } from "./fake-label-registry.js";
import { SYSTEM_LABELS, type FakeMessage } from "./fake-mailbox.js";
import { GMAIL_SCOPE } from "./fake-oauth.js";

const ORIGIN = "https://gmail.googleapis.com";
const READ_SCOPES = [GMAIL_SCOPE.full, GMAIL_SCOPE.modify, GMAIL_SCOPE.readonly, GMAIL_SCOPE.metadata];
/** System labels labels.list gives that are no folder of the mailbox: the inbox tabs and chats. */
const OTHER_SYSTEM_LABELS = [
  "CATEGORY_PERSONAL",
  "CATEGORY_SOCIAL",
  "CATEGORY_PROMOTIONS",
  "CATEGORY_UPDATES",
  "CATEGORY_FORUMS",
  "CHAT",
];

export const LABEL_ROUTES: readonly Route[] = [
  {
    endpoint: "labels.list",
    method: "GET",
    path: `${ORIGIN}/gmail/v1/users/:userId/labels`,
    scopes: [...READ_SCOPES, GMAIL_SCOPE.labels],
    handle: listLabels,
  },
  {
    endpoint: "labels.get",
    method: "GET",
    path: `${ORIGIN}/gmail/v1/users/:userId/labels/:id`,
    scopes: [...READ_SCOPES, GMAIL_SCOPE.labels],
    handle: getLabel,
  },
  {
    endpoint: "threads.get",
    method: "GET",
    path: `${ORIGIN}/gmail/v1/users/:userId/threads/:id`,
    scopes: READ_SCOPES,
    handle: getThread,
  },
];

async function listLabels({ mailbox }: Context): Promise<Response> {
  const labels: gmail_v1.Schema$ListLabelsResponse = {
    labels: [
      ...[...SYSTEM_LABELS, ...OTHER_SYSTEM_LABELS].map((id) => ({ id, name: id, type: "system" })),
      ...userLabels(mailbox).map((id) => ({ id, name: userLabelName(id) ?? id, type: "user" })),
    ],
  };
  return HttpResponse.json(labels);
}

async function getLabel({ mailbox, params }: Context): Promise<Response> {
  const id = params.id ?? "";
  const system = (SYSTEM_LABELS as readonly string[]).includes(id) || OTHER_SYSTEM_LABELS.includes(id);
  if (!system && !userLabels(mailbox).includes(id))
    return googleError(404, "NOT_FOUND", "notFound", "Requested entity was not found.");
  const labelled = [...mailbox.messages.values()].filter((message) => message.labelIds.has(id));
  const unread = labelled.filter((message) => message.labelIds.has("UNREAD"));
  const threads = (messages: FakeMessage[]) => new Set(messages.map((message) => message.threadId)).size;
  const label: gmail_v1.Schema$Label = {
    id,
    name: system ? id : userLabelName(id),
    type: system ? "system" : "user",
    messagesTotal: labelled.length,
    messagesUnread: unread.length,
    threadsTotal: threads(labelled),
    threadsUnread: threads(unread),
  };
  return HttpResponse.json(label);
}

async function getThread({ request, mailbox, params }: Context): Promise<Response> {
  const format = request.url.searchParams.get("format") ?? "full";
  if (format !== "minimal")
    return googleError(
      400,
      "INVALID_ARGUMENT",
      "invalidArgument",
      `The fake serves threads.get format minimal, not ${format}.`,
    );
  const messages = [...mailbox.messages.values()]
    .filter((message) => message.threadId === params.id)
    .sort((a, b) => a.internalDate - b.internalDate);
  if (messages.length === 0) return googleError(404, "NOT_FOUND", "notFound", "Requested entity was not found.");
  const thread: gmail_v1.Schema$Thread = { id: params.id ?? "", historyId: "1", messages: messages.map(minimal) };
  return HttpResponse.json(thread);
}
