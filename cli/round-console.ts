import type { RoundRunner } from '#local/round-runner';
import { renderPlan } from './plan-table.ts';
import { catalogNames, type Lang, progressLine } from './progress.ts';

// A round run in a terminal (`rounds run`, `npm start`): a line per step, then the stored plan as a table.

/** Runs one round with a progress line per step, then prints the stored plan as a table. */
export async function runRound(
  runner: RoundRunner,
  input: {
    season: string;
    autoAccept: boolean;
    offerTimeoutSeconds?: number | undefined;
    autoApprove?: boolean | undefined;
  },
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
  const { listCounties, listSocieties } = await import('#store/catalog');
  const [counties, societies] = await Promise.all([listCounties(), listSocieties()]);
  const names = catalogNames({ counties, societies }, lang);
  const execution = await runner.run(input, {
    ...(name ? { name } : {}),
    onEvent: (event) => {
      const line = progressLine(event, lang, names);
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
  await printSeasonFigures(input.season, lang, out);
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
    import('#services/read-plan'),
    import('#store/catalog'),
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

/** The season's figures in one line, the same function and labels as the report and the dashboard. */
export async function printSeasonFigures(
  season: string,
  lang: Lang,
  out: (line: string) => void,
): Promise<void> {
  const [{ loadSeasonReport }, { FIGURE_KEYS, FIGURE_LABELS }] = await Promise.all([
    import('#services/report-season'),
    import('#schemas/labels'),
  ]);
  const { total } = await loadSeasonReport(season);
  const parts = FIGURE_KEYS.map((key) => {
    const label = FIGURE_LABELS[key];
    return lang === 'zh' ? `${label.zh} ${total[key]}` : `${label.en.toLowerCase()} ${total[key]}`;
  });
  out(lang === 'zh' ? `本季成效：${parts.join('，')}` : `season figures: ${parts.join(', ')}`);
}
