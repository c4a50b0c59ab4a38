import { type ParseArgsConfig, parseArgs } from 'node:util';

/** One `rounds` subcommand. `run` gets the arguments after the command name and returns the exit code. */
export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

/** The command line itself is wrong: `rounds` prints the message and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `node:util` parseArgs for a subcommand's flags, with no positionals, turning its errors into
 * UsageErrors that end with the command's usage.
 */
export function parseCommandArgs<const T extends Options>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`${reason}\n\n${usage}`, { cause: error });
  }
}
