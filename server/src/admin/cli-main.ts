// Entry point of `pnpm cli`.
import { loadConfig, openConfiguredStore, type Config } from "../config.js";
import { resolveSecretKey } from "../store/secrets.js";
import type { Store } from "../store/store.js";
import { createProviderRegistry } from "../providers/registry.js";
import { runCli } from "./cli.js";
import { defaultConnectDeps } from "./connect-inbox.js";

// The configuration is read and the store opened only for a command that uses them: `--help` and a
// usage mistake need neither.
let config: Config | undefined;
const configuration = (): Config => (config ??= loadConfig(process.env));
let store: Store | undefined;
try {
  process.exitCode = await runCli(
    process.argv.slice(2).filter((a) => a !== "--"),
    async () => (store = await openConfiguredStore(configuration())),
    { out: (line) => console.log(line), err: (line) => console.error(line) },
    () =>
      defaultConnectDeps({
        google: configuration().google,
        microsoft: configuration().microsoft,
        secretKey: resolveSecretKey({ dataDir: configuration().dataDir }),
        mailNetwork: configuration().mailNetwork,
      }),
    process.env,
    (opened) =>
      createProviderRegistry(opened, {
        google: configuration().google,
        microsoft: configuration().microsoft,
        imapPool: configuration().imapPool,
        mailNetwork: configuration().mailNetwork,
      }),
  );
} finally {
  await store?.close();
}
