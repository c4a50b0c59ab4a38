import { existsSync, readdirSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { defineCommand, requireSeason, UsageError } from '../command.ts';
import { renderTable } from '../plan-table.ts';
import { dataDirFromEnv, withLocalSession } from '../session.ts';

const USAGE = `用法 / Usage: rounds report --season S [--format table|json|csv]

从 DATA_DIR（默认 .data）的本地数据库打印季度报告（收集、处理的需求与达成的合作；各县与合计）。
Prints the season report (needs collected, handled, cooperations reached; per county and in total)
from the local database in DATA_DIR (default .data).
  --season S      季度，如 2026-Q4 / the season, like 2026-Q4
  --format F      table（默认，县与乡镇名称的表格）、json（编号与数字，给程序）或 csv（UTF-8 带 BOM，中文表头）
                  / table (default: a table with the counties' and towns' names), json (ids and figures, for
                  programs) or csv (UTF-8 with BOM, Chinese headers)`;

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
    const format = flags.format ?? 'table';
    if (format !== 'table' && format !== 'json' && format !== 'csv')
      throw new UsageError(`--format "${format}"：请用 table、json 或 csv / use table, json or csv`);

    // Say which database is read, and never make one up: an empty or missing one would print zeros.
    const dataDir = dataDirFromEnv();
    const which = process.env.DATA_DIR
      ? dataDir
      : `${dataDir}（未设 DATA_DIR，用默认的 .data / DATA_DIR not set: the default .data）`;
    if (!existsSync(dataDir) || readdirSync(dataDir).length === 0)
      throw new UsageError(
        `数据库 ${which} 是空的：请先运行 npm start 或 rounds run --season ${season}，或用 DATA_DIR 指向已有的数据 / ` +
          `the database ${dataDir} is empty: run npm start or rounds run --season ${season} first, or point DATA_DIR at existing data`,
      );
    process.stderr.write(`数据库 / database: ${which}\n`);

    return withLocalSession({}, async () => {
      const { getRound } = await import('#store/rounds');
      if (!(await getRound(season)))
        throw new UsageError(
          `数据库中还没有 ${season} 的走访：请先运行 rounds run --season ${season} / ` +
            `no round of ${season} in this database yet: run rounds run --season ${season} first`,
        );
      // The same code path as GET /seasons/{season}/report, so both give the same figures.
      const { exportSeasonReport } = await import('#services/report-season');
      const exported = await exportSeasonReport(season, format === 'table' ? 'csv' : format);
      if (format === 'json') process.stdout.write(`${JSON.stringify(exported.report, null, 2)}\n`);
      // The table is the CSV's rows (the same names and labels), aligned for a terminal.
      else if (format === 'table') {
        const [header = [], ...rows] = parse(String(exported.body), { bom: true }) as string[][];
        process.stdout.write(`${renderTable(header, rows)}\n`);
      } else process.stdout.write(exported.body);
      return 0;
    });
  },
});
