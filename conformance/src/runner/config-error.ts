/** A configuration the runner cannot run with (a bad option, an unreadable baseline); the CLI exits 2 on it. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
