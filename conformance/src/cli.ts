#!/usr/bin/env node
// mcpemails-conformance: checks any MCPEmails server over HTTP. See runner/config.ts for the options.
import { main } from "./runner/cli-main.js";

process.exitCode = await main(process.argv.slice(2));
