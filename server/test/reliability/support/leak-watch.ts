// Watches what a server lets out (its pino log, the error messages it answers, /metrics) for the
// secrets a test handed it: API keys, admin tokens, provider passwords. Every reliability test
// feeds its servers through one, so that "no secret in a log, an error or the metrics" is checked
// under load, faults and hostile input, not only in a quiet run.
import { Writable } from "node:stream";
import type { FastifyServerOptions } from "fastify";
import { REDACTED_PATHS } from "../../../src/app.js";

export interface Leak {
  /** The secret's first characters only: a report must not leak it either. */
  secret: string;
  where: string;
  context: string;
}

export class LeakWatch {
  private readonly secrets = new Set<string>();
  private readonly found: Leak[] = [];
  private logLines = 0;
  private texts = 0;

  /** The logger option of buildApp: every line, at trace level, the way main.ts redacts. */
  logger(): FastifyServerOptions["logger"] {
    const stream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.logLines++;
        this.record("log", chunk.toString());
        done();
      },
    });
    return { level: "trace", redact: REDACTED_PATHS, stream };
  }

  /** Registers secrets to look for; texts are checked as they come, so register them first. */
  secret(...values: string[]): void {
    for (const value of values) if (value.length >= 8) this.secrets.add(value);
  }

  /** Text the server let out (an answer body with its error messages, a /metrics page), checked at once and not kept. */
  record(where: string, text: string): void {
    this.texts++;
    for (const secret of this.secrets) {
      const at = text.indexOf(secret);
      if (at >= 0)
        this.found.push({ secret: `${secret.slice(0, 12)}…`, where, context: text.slice(Math.max(0, at - 60), at) });
    }
  }

  get linesLogged(): number {
    return this.logLines;
  }

  get textsSeen(): number {
    return this.texts;
  }

  leaks(): Leak[] {
    return [...this.found];
  }
}
