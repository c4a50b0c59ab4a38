import { Slug } from '#schemas/index';
import { dataDirFromEnv } from '../../local/session.ts';
import { type LocalClaims, signLocalToken } from '../../local/tokens.ts';
import { type Command, parseCommandArgs, UsageError } from '../command.ts';

const USAGE = `用法 / Usage: rounds token --role coordinator|liaison|team [--county ID] [--society ID] [--sub NAME] [--days N]

打印一个令牌，供使用同一 DATA_DIR（默认 .data）的本地服务器使用。
Prints a bearer token for the local server that uses the same DATA_DIR (default .data).
  --role coordinator            市科协协调人 / the city association
  --role liaison --county ID    县联络员 / a county liaison
  --role team --society ID      学会团队 / a society's team
  --sub NAME                    令牌所指的人（默认为角色名）/ who the token names (default: the role)
  --days N                      有效天数（默认 30）/ valid for N days (default 30)`;

const OPTIONS = {
  role: { type: 'string' },
  county: { type: 'string' },
  society: { type: 'string' },
  sub: { type: 'string' },
  days: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function slug(flag: string, value: string | undefined): string {
  if (!value)
    throw new UsageError(`此角色须指定 --${flag} / --${flag} is required for this role\n\n${USAGE}`);
  if (!Slug.safeParse(value).success)
    throw new UsageError(`--${flag} "${value}" 不是有效编号 / is not an id (a-z, 0-9, "-")`);
  return value;
}

export const tokenCommand: Command = {
  summary: '为某一角色打印本地令牌 / print a local bearer token for a role',
  async run(argv) {
    const flags = parseCommandArgs(argv, OPTIONS, USAGE);
    if (flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    let claims: LocalClaims;
    if (flags.role === 'coordinator') claims = { role: 'coordinator', sub: flags.sub ?? 'coordinator' };
    else if (flags.role === 'liaison') {
      const county = slug('county', flags.county);
      claims = { role: 'liaison', county, sub: flags.sub ?? `liaison-${county}` };
    } else if (flags.role === 'team') {
      const society = slug('society', flags.society);
      claims = { role: 'team', society, sub: flags.sub ?? `team-${society}` };
    } else {
      throw new UsageError(
        `--role ${flags.role ? `"${flags.role}" 不是角色 / is not a role` : '必须指定 / is required'}: coordinator, liaison, team\n\n${USAGE}`,
      );
    }
    const days = flags.days === undefined ? 30 : Number(flags.days);
    if (!Number.isFinite(days) || days <= 0 || days > 366)
      throw new UsageError(
        `--days "${flags.days}" 应为 1 至 366 天 / must be a number of days from 1 to 366`,
      );
    process.stdout.write(`${await signLocalToken(dataDirFromEnv(), claims, Math.round(days * 24 * 3600))}\n`);
    return 0;
  },
};
