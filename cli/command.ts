import { type ParseArgsConfig, parseArgs } from 'node:util';
import { SeasonId } from '#schemas/index';

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
    throw new UsageError(`命令行参数有误 / bad arguments: ${reason}\n\n${usage}`, { cause: error });
  }
}

/** The `--season` flag, checked: a UsageError naming the flag when it is missing or malformed. */
export function requireSeason(value: string | undefined, usage: string): SeasonId {
  if (value === undefined || value === '')
    throw new UsageError(
      `缺少 --season（季度，如 2026-Q4）/ missing --season (a season like 2026-Q4)\n\n${usage}`,
    );
  if (!SeasonId.safeParse(value).success) {
    throw new UsageError(
      `--season "${value}" 不是季度，应如 2026-Q4 / is not a season like 2026-Q4 (year, "-Q", quarter 1-4)`,
    );
  }
  return value;
}
