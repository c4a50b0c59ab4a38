import '../local/terminal-logs.ts';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Command, UsageError } from './command.ts';
import { backupCommand } from './commands/backup.ts';
import { needsCommand } from './commands/needs.ts';
import { planCommand } from './commands/plan.ts';
import { reportCommand } from './commands/report.ts';
import { restoreCommand } from './commands/restore.ts';
import { runCommand } from './commands/run.ts';
import { signinCommand } from './commands/signin.ts';
import { tokenCommand } from './commands/token.ts';
import { DataDirError } from './data-dir.ts';

export { type Command, UsageError } from './command.ts';

/** Every `rounds` subcommand by name; a new command is one more entry here. */
export const COMMANDS: Record<string, Command> = {
  plan: planCommand,
  run: runCommand,
  report: reportCommand,
  signin: signinCommand,
  token: tokenCommand,
  needs: needsCommand,
  backup: backupCommand,
  restore: restoreCommand,
  help: {
    summary: '显示本帮助 / show this help',
    async run() {
      process.stdout.write(`${usage()}\n`);
      return 0;
    },
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
  );
  return [
    '用法 / Usage: rounds <command> [options]',
    '',
    '命令 / Commands:',
    ...lines,
    '',
    'rounds <命令> --help 显示其选项 / rounds <command> --help shows its options.',
  ].join('\n');
}

/** Runs one command line and returns the exit code: 0 done, 1 unexpected failure, 2 bad input. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(`${usage()}\n`);
    return 2;
  }
  if (name === '--help' || name === '-h') return COMMANDS.help!.run([]);
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    process.stderr.write(`rounds: 没有这个命令 / unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    return reportFailure(error);
  }
}

function reportFailure(error: unknown): number {
  if (error instanceof UsageError || error instanceof DataDirError) {
    process.stderr.write(`rounds: ${error.message}\n`);
    return 2;
  }
  if (process.env.ROUNDS_DEBUG === '1') {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  } else {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    process.stderr.write(
      `rounds: 意外错误（设置 ROUNDS_DEBUG=1 查看详情）/ unexpected error: ${message} (set ROUNDS_DEBUG=1 for details)\n`,
    );
  }
  return 1;
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // exitCode, not exit(): a large JSON plan written to a pipe must drain first.
  process.exitCode = await runCli(process.argv.slice(2));
}
