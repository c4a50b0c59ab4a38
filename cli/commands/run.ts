import { defineCommand, requireLang, requireSeason, UsageError } from '../command.ts';
import type { Lang } from '../progress.ts';
import { runRound } from '../round-console.ts';
import { type LocalSession, withLocalSession } from '../session.ts';

const USAGE = `用法 / Usage: rounds run --season S [--data DIR] [--auto-accept] [--offer-timeout SECONDS] [--lang zh|en]

在 infra/ 定义的状态机上完整运行本季轮次，使用 DATA_DIR（默认 .data）中的本地数据库（没有则在此启动）。
Runs the season's round on the state machine defined in infra/, end to end, against the local
database in DATA_DIR (default .data; started here when none is running there).
  --season S               季度，如 2026-Q4 / the season, like 2026-Q4
  --data DIR               空数据库载入的数据（默认演示数据）/ data for an empty database (default: the demo data)
  --auto-accept            计划自动批准、各学会立即接受邀请（演示整轮）/ the plan is approved and every society accepts at once (a demo)
  --offer-timeout SECONDS  邀请等待答复的时长（默认 7 天）/ how long an offer waits for an answer (default 7 days)
  --lang L                 zh（默认）或 en / zh (default) or en`;

const OPTIONS = {
  season: { type: 'string' },
  data: { type: 'string' },
  'auto-accept': { type: 'boolean' },
  'offer-timeout': { type: 'string' },
  lang: { type: 'string' },
} as const;

export const runCommand = defineCommand({
  summary: '在本地状态机与数据库上运行本季轮次 / run a season round on the local state machine and database',
  usage: USAGE,
  options: OPTIONS,
  async run(flags) {
    const season = requireSeason(flags.season, USAGE);
    const lang = requireLang(flags.lang);
    let offerTimeoutSeconds: number | undefined;
    if (flags['offer-timeout'] !== undefined) {
      offerTimeoutSeconds = Number(flags['offer-timeout']);
      if (!Number.isInteger(offerTimeoutSeconds) || offerTimeoutSeconds < 1) {
        throw new UsageError(
          `--offer-timeout "${flags['offer-timeout']}" 应为至少 1 的整数秒 / must be a whole number of seconds, at least 1`,
        );
      }
    }

    return withLocalSession({ season, ...(flags.data ? { seedFrom: flags.data } : {}) }, async (session) => {
      const out = (line: string) => process.stdout.write(`${line}\n`);
      if (session.seededFrom)
        out(lang === 'zh' ? `已载入数据：${session.seededFrom}` : `loaded data from ${session.seededFrom}`);
      else if (flags.data)
        out(
          lang === 'zh'
            ? `数据库已有数据，未使用 --data ${flags.data}`
            : `the database has data already; --data ${flags.data} not used`,
        );
      if (session.overrides) out(overridesLine(session.overrides, lang));
      const result = await runRound(
        session.runner,
        {
          season: season,
          autoAccept: flags['auto-accept'] ?? false,
          offerTimeoutSeconds,
          // Without --auto-accept the plan waits for the coordinator's approval (unless AUTO_APPROVE=1).
          ...(flags['auto-accept'] ? { autoApprove: true } : {}),
        },
        lang,
        out,
      );
      return result === 'SUCCEEDED' ? 0 : 1;
    });
  },
});

function overridesLine(overrides: NonNullable<LocalSession['overrides']>, lang: Lang): string {
  const { season, file, outcome } = overrides;
  if (outcome === 'season-planned')
    return lang === 'zh'
      ? `${season} 已有计划，未使用协调员调整 ${file}`
      : `${season} is planned already; the overrides in ${file} are not used`;
  return lang === 'zh'
    ? `${season} 的协调员调整：${file}`
    : `the coordinator's overrides for ${season}: ${file}`;
}
