// Entry point of `pnpm cli`.
import { loadConfig, openConfiguredStore } from "../config.js";
import { resolveSecretKey } from "../store/secrets.js";
import { runCli } from "./cli.js";
import { defaultConnectDeps } from "./connect-inbox.js";

const config = loadConfig(process.env);
const store = await openConfiguredStore(config);
const connect = defaultConnectDeps({
  google: config.google,
  microsoft: config.microsoft,
  secretKey: resolveSecretKey({ dataDir: config.dataDir }),
});
try {
  process.exitCode = await runCli(
    process.argv.slice(2).filter((a) => a !== "--"),
    store,
    { out: (line) => console.log(line), err: (line) => console.error(line) },
    connect,
  );
} finally {
  await store.close();
}
