// How a person is shown the key (or OAuth grant) behind a send, on the dashboard and in mail: its
// name and hint, else its id.
import type { Store } from "../store/store.js";

export async function keyLabels(store: Store, workspaceId: string): Promise<(keyId: string) => string> {
  const keys = await store.listApiKeys(workspaceId);
  return (keyId) => {
    const key = keys.find((k) => k.id === keyId);
    return key ? `${key.name ?? "(no name)"} (${key.hint})` : keyId;
  };
}
