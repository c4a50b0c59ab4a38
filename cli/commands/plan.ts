import { OverrideConflictError } from '#domain/override-conflict';
import { planRound } from '#domain/plan';
import type { Plan } from '#schemas/index';
import { defineCommand, requireLang, requireSeason, UsageError } from '../command.ts';
import { conflictsAsDataDirError, loadSeasonData } from '../data-dir.ts';
import { LABELS, renderPlan } from '../plan-table.ts';

const USAGE = `用法 / Usage: rounds plan --season S --data DIR [--overrides FILE] [--json] [--lang zh|en]

根据数据目录计算本季计划并加以解释，不改动任何数据。
Computes the season's plan from a data directory, without changing anything, and explains it.
  --season S        季度，如 2026-Q4 / the season, like 2026-Q4
  --data DIR        数据目录 / the data directory (counties.json, societies.json, needs.json,
                    visits.json，以及协调人的 overrides.json / and the coordinator's overrides.json)
  --overrides FILE  协调人的调整（指定、排除、锁定乡镇）/ the coordinator's overrides instead of DIR/overrides.json
  --json            只输出 JSON 计划 / print only the plan as JSON: the contract's fields and "explain"
  --lang L          表格语言：zh（默认）或 en / table language: zh (default) or en`;

const OPTIONS = {
  season: { type: 'string' },
  data: { type: 'string' },
  overrides: { type: 'string' },
  json: { type: 'boolean' },
  lang: { type: 'string' },
} as const;

export const planCommand = defineCommand({
  summary:
    '根据数据目录计算本季计划（不改动数据）/ compute a season plan from a data directory (no side effects)',
  usage: USAGE,
  options: OPTIONS,
  async run(flags) {
    const season = requireSeason(flags.season, USAGE);
    if (flags.data === undefined || flags.data === '')
      throw new UsageError(`缺少 --data DIR（数据目录）/ missing --data DIR\n\n${USAGE}`);
    const lang = requireLang(flags.lang);

    const { data, overrides, overridesPath } = loadSeasonData(flags.data, season, {
      overridesPath: flags.overrides,
    });
    if (process.stderr.isTTY && !flags.json && data.needs.length > 2_000) {
      process.stderr.write(
        `${LABELS[lang].solving(data.counties.length, data.societies.length, data.needs.length)}\n`,
      );
    }
    let plan: Plan;
    try {
      plan = planRound(season, data, overrides === undefined ? {} : { overrides });
    } catch (error) {
      if (!(error instanceof OverrideConflictError)) throw error;
      throw conflictsAsDataDirError(overridesPath, error.conflicts);
    }
    process.stdout.write(flags.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan, data, lang));
    return 0;
  },
});
