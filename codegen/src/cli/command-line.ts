// The command line of the codegen commands, read by commander: `--help`/`-h` prints the usage and
// exits 0; an unknown option, a missing value or a stray argument prints what is wrong and the usage,
// and exits 2.
import { Command, CommanderError, type OptionValues } from "commander";

export const EXIT_USAGE = 2;

export interface CommandLineOutput {
  /** The usage, on --help. */
  out(text: string): void;
  /** What is wrong with the command line, then the usage. */
  err(text: string): void;
}

export type CommandLine<Options extends OptionValues> =
  { run: true; options: Options; args: string[] } | { run: false; exitCode: number };

/** A command with the codegen commands' help option. */
export function codegenCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .helpOption("-h, --help", "print this usage and exit")
    .showHelpAfterError();
}

/**
 * Parses argv (a leading "--", which pnpm passes on, is dropped). Resolves to the options and
 * arguments to run with, or to the exit code when commander has already said all there is to say.
 */
export function parseCommandLine<Options extends OptionValues>(
  command: Command,
  argv: readonly string[],
  output: CommandLineOutput,
): CommandLine<Options> {
  command.exitOverride().configureOutput({
    writeOut: (text) => output.out(text),
    writeErr: (text) => output.err(text),
  });
  try {
    command.parse(argv[0] === "--" ? argv.slice(1) : [...argv], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { run: false, exitCode: error.exitCode === 0 ? 0 : EXIT_USAGE };
  }
  return { run: true, options: command.opts<Options>(), args: command.args };
}
