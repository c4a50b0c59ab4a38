import { type Lang, progressLine } from '../../local/progress.ts';
import { type LocalSession, openLocalSession } from '../../local/session.ts';
import { type Command, parseCommandArgs, requireSeason, UsageError } from '../command.ts';
import { renderPlan } from './plan.ts';

const USAGE = `Usage: rounds run --season S [--data DIR] [--auto-accept] [--offer-timeout SECONDS] [--lang zh|en]

Runs the season's round on the state machine defined in infra/, end to end, against the local
database in DATA_DIR (default .data; started here when none is running there).
  --season S               the season, like 2026-Q4
  --data DIR               data for an empty database (default: the demo data)
  --auto-accept            every society accepts its offer at once (a demo of the whole round)
  --offer-timeout SECONDS  how long an offer waits for an answer (default 7 days)
  --lang L                 zh (default) or en`;

const OPTIONS = {
  season: { type: 'string' },
  data: { type: 'string' },
  'auto-accept': { type: 'boolean' },
  'offer-timeout': { type: 'string' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const runCommand: Command = {
  summary: 'run a season round on the local state machine and database',
  async run(argv) {
    const flags = parseCommandArgs(argv, OPTIONS, USAGE);
    if (flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const season = requireSeason(flags.season, USAGE);
    const lang: Lang = flags.lang === 'en' ? 'en' : 'zh';
    if (flags.lang && flags.lang !== 'en' && flags.lang !== 'zh')
      throw new UsageError(`--lang "${flags.lang}": use zh or en`);
    let offerTimeoutSeconds: number | undefined;
    if (flags['offer-timeout'] !== undefined) {
      offerTimeoutSeconds = Number(flags['offer-timeout']);
      if (!Number.isInteger(offerTimeoutSeconds) || offerTimeoutSeconds < 1) {
        throw new UsageError(
          `--offer-timeout "${flags['offer-timeout']}" must be a whole number of seconds, at least 1`,
        );
      }
    }

    const session = await openLocalSession({ season, ...(flags.data ? { seedFrom: flags.data } : {}) });
    try {
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
        { season: season, autoAccept: flags['auto-accept'] ?? false, offerTimeoutSeconds },
        lang,
        out,
      );
      return result === 'SUCCEEDED' ? 0 : 1;
    } finally {
      await session.close();
    }
  },
};

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

/** Runs one round with a progress line per step, then prints the stored plan as a table. */
export async function runRound(
  runner: import('../../local/round-runner.ts').RoundRunner,
  input: { season: string; autoAccept: boolean; offerTimeoutSeconds?: number | undefined },
  lang: Lang,
  out: (line: string) => void,
  /** The execution's name; `npm start` names it as POST /rounds does, so the two never run it twice. */
  name?: string,
): Promise<'SUCCEEDED' | 'FAILED'> {
  out(
    lang === 'zh'
      ? `开始 ${input.season} 轮次（状态机：infra/round-state-machine.ts）`
      : `starting the ${input.season} round`,
  );
  const execution = await runner.run(input, {
    ...(name ? { name } : {}),
    onEvent: (event) => {
      const line = progressLine(event, lang);
      if (line) out(line);
    },
  });
  if (execution.status === 'FAILED') {
    out(
      lang === 'zh'
        ? `本轮失败：${execution.error?.name}: ${execution.error?.message}`
        : `round failed: ${execution.error?.name}: ${execution.error?.message}`,
    );
    return 'FAILED';
  }
  await printStoredPlan(input.season, lang, out);
  out(
    lang === 'zh'
      ? `状态转换 ${execution.stateTransitions} 次`
      : `${execution.stateTransitions} state transitions`,
  );
  return 'SUCCEEDED';
}

/** The season's stored plan as a table, with how its offers stand. */
export async function printStoredPlan(
  season: string,
  lang: Lang,
  out: (line: string) => void,
): Promise<void> {
  const [{ storedPlan }, { listCounties, listSocieties }] = await Promise.all([
    import('#commons/store/rounds'),
    import('#commons/store/catalog'),
  ]);
  const [plan, counties, societies] = await Promise.all([
    storedPlan(season),
    listCounties(),
    listSocieties(),
  ]);
  if (!plan) return;
  out('');
  out(renderPlan(plan, { counties, societies, needs: [], visits: [] }, lang).trimEnd());
  const offers = plan.visits.flatMap((v) => v.assignments);
  const count = (status: string) => offers.filter((a) => a.status === status).length;
  out(
    lang === 'zh'
      ? `邀请 ${offers.length} 个：接受 ${count('accepted')}，婉拒 ${count('declined')}，逾期 ${count('expired')}，待答复 ${count('offered')}`
      : `${offers.length} offers: ${count('accepted')} accepted, ${count('declined')} declined, ${count('expired')} expired, ${count('offered')} awaiting an answer`,
  );
}
