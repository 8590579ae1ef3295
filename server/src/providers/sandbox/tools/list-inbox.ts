import type { ListInboxArgs, ListInboxOutput } from "@mcpemails/generated";
import type { Store } from "../../../store/store.js";
import { loadSummaries, unreadable, type SandboxContext } from "../sandbox-context.js";
import { readSandboxSummaryEntry, type SandboxMailbox, type SandboxSummaryEntry } from "../sandbox-message.js";
import { pageOutput, sandboxPage } from "../sandbox-page.js";

type PagingMailbox = SandboxMailbox & Pick<Store, "pageSandboxSummaries">;

// Every Store pages from its index; a mailbox that is not a Store (a test's) is listed whole.
function pages(mailbox: SandboxMailbox): mailbox is PagingMailbox {
  return typeof (mailbox as Partial<PagingMailbox>).pageSandboxSummaries === "function";
}

export async function listInbox(context: SandboxContext, args: ListInboxArgs): Promise<ListInboxOutput> {
  const { mailbox, inbox } = context;
  if (pages(mailbox)) {
    const page = await mailbox.pageSandboxSummaries(inbox.id, {
      folder: args.folder,
      unreadOnly: args.unread_only,
      offset: args.offset,
      limit: args.limit,
    });
    const entries = page.messages.map(readSandboxSummaryEntry);
    if (entries.some((entry) => entry === undefined)) throw unreadable(context);
    return pageOutput(entries as SandboxSummaryEntry[], page.total, args);
  }
  const entries = await loadSummaries(context, inbox.id, args.folder);
  return sandboxPage(
    entries.filter(({ message }) => message.folder === args.folder && (!args.unread_only || message.unread)),
    args,
  );
}
