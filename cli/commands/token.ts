import { Slug } from '#schemas/index';
import { type LocalClaims, signLocalToken } from '../../local/tokens.ts';
import { defineCommand, UsageError } from '../command.ts';
import { dataDirFromEnv, withLocalSession } from '../session.ts';

const USAGE = `用法 / Usage: rounds token --role coordinator|liaison|team [--county ID] [--society ID] [--sub NAME] [--days N]

打印一个供脚本使用的令牌，用于使用同一 DATA_DIR（默认 .data）的本地服务器；县或学会必须存在于该数据库中。
令牌不属于任何用户（人员用 rounds signin 或邀请登录）：撤销用户不影响它，--days 天后失效。
Prints a bearer token for scripts, for the local server that uses the same DATA_DIR (default .data).
The county or society must exist in that database. The token names no user (people sign in with
rounds signin or an invitation instead): revoking users does not stop it; it ends after --days.
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
} as const;

function slug(flag: string, value: string | undefined): string {
  if (!value)
    throw new UsageError(`此角色须指定 --${flag} / --${flag} is required for this role\n\n${USAGE}`);
  if (!Slug.safeParse(value).success)
    throw new UsageError(`--${flag} "${value}" 不是有效编号 / is not an id (a-z, 0-9, "-")`);
  return value;
}

export const tokenCommand = defineCommand({
  summary: '为某一角色打印本地令牌 / print a local bearer token for a role',
  usage: USAGE,
  options: OPTIONS,
  async run(flags) {
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
    if (claims.county || claims.society) await requireInCatalog(claims);
    process.stdout.write(`${await signLocalToken(dataDirFromEnv(), claims, Math.round(days * 24 * 3600))}\n`);
    return 0;
  },
});

/** A token for a county or society that does not exist would only ever be refused: exit 2. */
async function requireInCatalog(claims: LocalClaims): Promise<void> {
  await withLocalSession({}, async () => {
    const { getCounty, getSociety } = await import('#store/catalog');
    if (claims.county && !(await getCounty(claims.county)))
      throw new UsageError(
        `--county "${claims.county}"：数据库中没有这个县 / is not a county in the database (see GET /counties)`,
      );
    if (claims.society && !(await getSociety(claims.society)))
      throw new UsageError(
        `--society "${claims.society}"：数据库中没有这个学会 / is not a society in the database`,
      );
  });
}
