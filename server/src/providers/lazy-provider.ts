// A provider whose module is imported on its first call. The Gmail, Graph and IMAP clients
// (googleapis, MSAL, imapflow) cost about 25 MB of memory between them; a server that serves only
// sandbox inboxes, or only one kind of mailbox, never loads the others.
import type { ClosableProvider } from "./provider.js";

export function lazyProvider(load: () => Promise<ClosableProvider>): ClosableProvider {
  let loading: Promise<ClosableProvider> | undefined;
  const provider = () => (loading ??= load());
  return {
    list_inbox: async (args, signal) => (await provider()).list_inbox(args, signal),
    read_email: async (args, signal) => (await provider()).read_email(args, signal),
    search_emails: async (args, signal) => (await provider()).search_emails(args, signal),
    send_email: async (args, signal, check) => (await provider()).send_email(args, signal, check),
    reply_to_email: async (args, signal, check) => (await provider()).reply_to_email(args, signal, check),
    list_folders: async (args, signal) => (await provider()).list_folders(args, signal),
    get_thread: async (args, signal) => (await provider()).get_thread(args, signal),
    get_attachment: async (args, signal) => (await provider()).get_attachment(args, signal),
    create_draft: async (args, signal) => (await provider()).create_draft(args, signal),
    update_draft: async (args, signal) => (await provider()).update_draft(args, signal),
    delete_draft: async (args, signal) => (await provider()).delete_draft(args, signal),
    send_draft: async (args, signal, check) => (await provider()).send_draft(args, signal, check),
    async close() {
      if (loading !== undefined) await (await loading).close();
    },
  };
}
