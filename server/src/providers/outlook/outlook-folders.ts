// Which folder a message is in, as the tools name it: INBOX/SENT/DRAFTS/TRASH for Graph's four
// well-known folders (their ids from the settings, else asked once and saved), Graph's id of any other
// (what list_folders gives), and whether a folder holds mail at all; and the folder a list_inbox or
// include_folders id names. The lookups are shared by the calls of a provider and cached, so they run
// under a signal of their own, while each call waits for them under its own.
import type { Message } from "@microsoft/microsoft-graph-types";
import { FOLDERS, type Folder } from "@mcpemails/generated";
import { ParameterError } from "../provider.js";
import type { GraphClient } from "./graph-client.js";
import { GraphRequestError } from "./graph-request-error.js";
import { WELL_KNOWN } from "./outlook-message.js";
import type { OutlookSettings } from "./outlook-settings.js";
import { untilAborted } from "./until-aborted.js";

/** How far up the folder tree a folder's place is looked for. */
const MAX_FOLDER_DEPTH = 32;

const STANDARD = Object.keys(FOLDERS) as Folder[];

interface FolderFacts {
  /** The folder's id as the tools give it: a standard name, or Graph's id. */
  name: string;
  /** Below msgfolderroot and not hidden: a mail folder, not where Teams keeps its chats. */
  mail: boolean;
  /** msgfolderroot itself, the parent of the mail folders, which list_folders does not list. */
  top: boolean;
}

/** A folder a list_inbox or include_folders id names. */
export interface FolderRef {
  /** The list_folders id: a standard name, or Graph's id. */
  id: string;
  /** Graph's id. */
  graphId: string;
  /** Its path under /me/mailFolders/: the well-known name of a standard one. */
  path: string;
}

export interface SettingsStore {
  current(): OutlookSettings;
  save(next: OutlookSettings): Promise<void>;
}

export class OutlookFolders {
  private readonly names = new Map<string, string>();
  private wellKnownLoaded: Promise<void> | undefined;
  private readonly others = new Map<string, Promise<FolderFacts>>();
  private topOfStoreId: Promise<string> | undefined;

  constructor(
    private readonly graph: GraphClient,
    private readonly settings: SettingsStore,
    /** What the shared lookups run under: no one call's. */
    private readonly lifetime: AbortSignal,
  ) {}

  /** The standard folder of each of Graph's ids of the four. */
  async standardIds(signal: AbortSignal): Promise<Map<string, Folder>> {
    await untilAborted(this.loadWellKnown(), signal);
    return new Map(STANDARD.map((folder) => [this.settings.current().folderIds?.[folder] ?? "", folder]));
  }

  /**
   * The folder a list_folders id names: a standard name, or Graph's id of a mail folder list_folders
   * would list; anything else is a ParameterError naming the parameter.
   */
  async resolve(id: string, parameter: string, signal: AbortSignal): Promise<FolderRef> {
    const standards = await this.standardIds(signal);
    const standard = (STANDARD as string[]).includes(id) ? (id as Folder) : standards.get(id);
    if (standard !== undefined)
      return {
        id: standard,
        graphId: this.settings.current().folderIds?.[standard] ?? "",
        path: WELL_KNOWN[standard],
      };
    // A well-known name other than the four ("archive") reaches its folder in Graph, but is not an id list_folders gives.
    const facts = /^[A-Za-z0-9+/=_-]{1,1024}$/u.test(id) ? await untilAborted(this.facts(id), signal) : undefined;
    if (facts === undefined || !facts.mail || facts.top || facts.name !== id)
      throw new ParameterError(
        parameter,
        "enum",
        `${parameter}: "${id}" is not a folder of this inbox; use ${STANDARD.join(", ")} or an id list_folders gives.`,
      );
    return { id, graphId: id, path: encodeURIComponent(id) };
  }

  /** INBOX/SENT/DRAFTS/TRASH, or Graph's id of any other folder (looked up once per folder). */
  async nameOf(parentFolderId: string | null | undefined, signal: AbortSignal): Promise<string> {
    if (parentFolderId === null || parentFolderId === undefined) return "INBOX";
    return (await untilAborted(this.facts(parentFolderId), signal)).name;
  }

  /** Whether a message of a folder-less query is mail (not a Teams chat item). */
  async isMail(message: Message, signal: AbortSignal): Promise<boolean> {
    const folderId = message.parentFolderId;
    return folderId === null || folderId === undefined || (await untilAborted(this.facts(folderId), signal)).mail;
  }

  /** The folder ids of the four well-known folders: from the settings, else asked once (and saved). */
  private loadWellKnown(): Promise<void> {
    this.wellKnownLoaded ??= (async () => {
      let ids = this.settings.current().folderIds;
      if (ids === undefined) {
        const entries = await Promise.all(
          (Object.keys(WELL_KNOWN) as Folder[]).map(
            async (folder) => [folder, await this.folderIdAt(`/me/mailFolders/${WELL_KNOWN[folder]}`)] as const,
          ),
        );
        ids = Object.fromEntries(entries) as Record<Folder, string>;
        await this.settings.save({ ...this.settings.current(), folderIds: ids });
      }
      for (const [folder, id] of Object.entries(ids)) this.names.set(id, folder);
    })().catch((error: unknown) => {
      this.wellKnownLoaded = undefined;
      throw error;
    });
    return this.wellKnownLoaded;
  }

  private async folderIdAt(path: string): Promise<string> {
    return (
      await this.graph.json<{ id: string }>({ method: "GET", path, query: { $select: "id" }, signal: this.lifetime })
    ).id;
  }

  /** msgfolderroot's id ("Top of Information Store"): the mail folders are the folders below it. */
  private topOfStore(): Promise<string> {
    this.topOfStoreId ??= this.folderIdAt("/me/mailFolders/msgfolderroot").catch((error: unknown) => {
      this.topOfStoreId = undefined;
      throw error;
    });
    return this.topOfStoreId;
  }

  /**
   * A folder's id and whether it holds mail: the well-known four, or any folder below
   * msgfolderroot with none hidden on the way (one request per folder, once). GET /me/messages also
   * returns Teams chat items (https://learn.microsoft.com/graph/known-issues#get-messages-returns-chats-in-microsoft-teams),
   * kept in TeamsMessagesData beside msgfolderroot (earlier in a hidden folder below Conversation
   * History). Their subject, documented as "IM", has been reported empty since 2019
   * (https://github.com/microsoftgraph/microsoft-graph-docs/issues/4357), and Microsoft's answer there
   * is that reading chats through /messages "is not a supported scenario": the mail is what is in the
   * mail folders, as Microsoft points to in https://github.com/microsoftgraph/microsoft-graph-docs/issues/2909.
   * A folder Graph will not show (400, 403, 404) holds no mail either.
   */
  private async facts(folderId: string, depth = 0): Promise<FolderFacts> {
    await this.loadWellKnown();
    const known = this.names.get(folderId);
    if (known !== undefined) return { name: known, mail: true, top: false };
    let facts = this.others.get(folderId);
    if (facts === undefined) {
      facts = this.lookUp(folderId, depth).catch((error: unknown) => {
        this.others.delete(folderId);
        throw error;
      });
      this.others.set(folderId, facts);
    }
    return facts;
  }

  private async lookUp(folderId: string, depth: number): Promise<FolderFacts> {
    let folder: { id?: string; parentFolderId?: string | null; isHidden?: boolean };
    try {
      folder = await this.graph.json({
        method: "GET",
        path: `/me/mailFolders/${encodeURIComponent(folderId)}`,
        query: { $select: "id,parentFolderId,isHidden" },
        signal: this.lifetime,
      });
    } catch (error) {
      if (error instanceof GraphRequestError && [400, 403, 404].includes(error.status))
        return { name: folderId, mail: false, top: false };
      throw error;
    }
    // Graph's own id: a well-known name ("archive") asked for answers with the folder's id.
    const name = folder.id ?? folderId;
    if (folder.isHidden === true) return { name, mail: false, top: false };
    const top = await this.topOfStore();
    if (name === top) return { name, mail: true, top: true };
    if (folder.parentFolderId === top) return { name, mail: true, top: false };
    if (!folder.parentFolderId || depth >= MAX_FOLDER_DEPTH) return { name, mail: false, top: false };
    return { name, mail: (await this.facts(folder.parentFolderId, depth + 1)).mail, top: false };
  }
}
