// Entry point of `pnpm cli`.
import { loadConfig, openConfiguredStore } from "../config.js";
import { runCli } from "./cli.js";

const store = await openConfiguredStore(loadConfig(process.env));
try {
  process.exitCode = await runCli(process.argv.slice(2).filter((a) => a !== "--"), store, { out: (line) => console.log(line), err: (line) => console.error(line) });
} finally {
  await store.close();
}
