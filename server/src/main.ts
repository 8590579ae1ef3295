// Entry point of `pnpm start` and `node server/dist/main.js`. Source maps are turned on before any
// other module loads, so that a stack trace names the .ts lines even when a process manager runs
// plain `node` without --enable-source-maps.
process.setSourceMapsEnabled(true);
await import("./serve.js");
