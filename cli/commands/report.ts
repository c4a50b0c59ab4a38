import { defineCommand, requireSeason, UsageError } from '../command.ts';
import { withLocalSession } from '../session.ts';

const USAGE = `用法 / Usage: rounds report --season S [--format json|csv]

从 DATA_DIR（默认 .data）的本地数据库打印季度报告（收集、处理的需求与达成的合作；各县与合计）。
Prints the season report (needs collected, handled, cooperations reached; per county and in total)
from the local database in DATA_DIR (default .data).
  --season S      季度，如 2026-Q4 / the season, like 2026-Q4
  --format F      json（默认）或 csv（UTF-8 带 BOM，中文表头）/ json (default) or csv (UTF-8 with BOM, Chinese headers)`;

const OPTIONS = {
  season: { type: 'string' },
  format: { type: 'string' },
} as const;

export const reportCommand = defineCommand({
  summary: '从本地数据库打印季度报告 / print a season report from the local database',
  usage: USAGE,
  options: OPTIONS,
  async run(flags) {
    const season = requireSeason(flags.season, USAGE);
    const format = flags.format ?? 'json';
    if (format !== 'json' && format !== 'csv')
      throw new UsageError(`--format "${format}"：请用 json 或 csv / use json or csv`);

    return withLocalSession({}, async () => {
      // The same code path as GET /seasons/{season}/report, so both give the same figures.
      const { exportSeasonReport } = await import('#services/report-season');
      const exported = await exportSeasonReport(season, format);
      process.stdout.write(
        format === 'json' ? `${JSON.stringify(exported.report, null, 2)}\n` : exported.body,
      );
      return 0;
    });
  },
});
