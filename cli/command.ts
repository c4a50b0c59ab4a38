import { type ParseArgsConfig, parseArgs } from 'node:util';
import { SeasonId } from '#schemas/index';
import type { Lang } from './progress.ts';

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

/** node:util's errors as UsageErrors that end with the command's usage. */
function orUsageError<R>(usage: string, parse: () => R): R {
  try {
    return parse();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`命令行参数有误 / bad arguments: ${reason}\n\n${usage}`, { cause: error });
  }
}

/**
 * `node:util` parseArgs for a subcommand's flags, with no positionals, turning its errors into
 * UsageErrors that end with the command's usage.
 */
export function parseCommandArgs<const T extends Options>(argv: string[], options: T, usage: string) {
  return orUsageError(
    usage,
    () => parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values,
  );
}

/** parseCommandArgs for a command that also takes positionals (`rounds needs import FILE`). */
export function parseCommandLine<const T extends Options>(argv: string[], options: T, usage: string) {
  return orUsageError(usage, () => parseArgs({ args: argv, options, strict: true, allowPositionals: true }));
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** A subcommand's flags, parsed: its own options and `--help`. */
export type CommandFlags<T extends Options> = ReturnType<typeof parseCommandArgs<T & typeof HELP>>;

/**
 * A subcommand that answers `--help` / `-h` with its usage (exit 0); otherwise `run` gets its flags,
 * parsed by parseCommandArgs.
 */
export function defineCommand<const T extends Options>(spec: {
  summary: string;
  usage: string;
  options: T;
  run(flags: CommandFlags<T>): Promise<number>;
}): Command {
  const options: T & typeof HELP = { ...spec.options, ...HELP };
  return {
    summary: spec.summary,
    async run(argv) {
      const flags = parseCommandArgs(argv, options, spec.usage);
      // Generic here, so TypeScript cannot see that `help` is one of the flags.
      if ((flags as { help?: boolean }).help) {
        process.stdout.write(`${spec.usage}\n`);
        return 0;
      }
      return spec.run(flags);
    },
  };
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

/** The `--lang` flag, checked: zh (the default) or en. */
export function requireLang(value: string | undefined): Lang {
  if (value === undefined || value === 'zh' || value === 'en') return value ?? 'zh';
  throw new UsageError(`--lang "${value}" 不支持，请用 zh 或 en / is not supported: use zh or en`);
}
