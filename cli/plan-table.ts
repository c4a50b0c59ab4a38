import type { DataSet, Plan, PlanExplanation, Theme } from '#schemas/index';
import { THEMES } from '#schemas/index';
import { overrideCostWords } from '#schemas/override-cost-words';
import type { Lang } from './progress.ts';

/**
 * A season's plan as a table for people, with its explanation: printed by `rounds plan`, and by
 * `rounds run` and `npm start` once the round has stored its plan. Chinese first, English on request.
 */

const zh = {
  title: (season: string) => `${season} 季度走访计划（一季一镇，一镇五问）`,
  county: '县（市、区）',
  town: '走访乡镇',
  societies: '学会（承接需求数）',
  unassigned: '未分配',
  none: '—',
  society: (name: string, count: number) => `${name}（${count}）`,
  noTowns: (names: string) => `无乡镇、本季不走访：${names}`,
  totals: (visits: number, needs: number, assigned: number, unassigned: number) =>
    `合计：走访 ${visits} 个乡镇，需求 ${needs} 项，已分配 ${assigned} 项，未分配 ${unassigned} 项`,
  listSeparator: '、',
  clauseSeparator: '；',
  colon: '：',
  solving: (counties: number, societies: number, needs: number) =>
    `正在规划：${counties} 个县、${societies} 个学会、${needs} 项需求……`,
  objectiveTitle: '目标与上界',
  weightLine: (weight: number, bound: number, ratio: string, proven: boolean, coverable: number) =>
    `有学会承接的需求紧急度合计 ${weight}；任何计划最多能到 ${bound}，本计划达到 ${ratio}${proven ? '，已是最优' : ''}（有学会能承接的需求合计 ${coverable}）`,
  pairsLine: (pairs: number, proven: boolean, maxLoad: string, _squares: number) =>
    `学会共走访 ${pairs} 次${proven ? '（已是最少）' : ''}；最忙的学会用去本季容量的 ${maxLoad}，各学会的负担尽量均衡`,
  method: (method: string) =>
    `计算方式：${method === 'exact' ? '精确求解' : '大规模近似求解，并算出最多能到多少以作比较'}`,
  whyTitle: '走访说明',
  visitHeading: (county: string, town: string, locked: boolean) =>
    `${county} · ${town}（${locked ? '协调员锁定' : '按择镇规则选定'}）`,
  towns: '候选乡镇',
  townFigures: (
    rank: number,
    town: string,
    needs: number,
    weight: number,
    recent: boolean,
    since: number | null,
  ) =>
    `${rank}. ${town}：待解决需求 ${needs} 项，紧急度合计 ${weight}，${since === null ? '从未走访' : `${since} 季前走访过${recent ? '（近 4 季内）' : ''}`}`,
  societyWhy: (name: string, needs: string, competent: number, pinned: boolean) =>
    `${name}${pinned ? '（协调人指定）' : ''}承接：${needs}（本镇需求中对口 ${competent} 项）`,
  capacity: (perSeason: number, before: number, inPlan: number, left: number) =>
    `本季可走访 ${perSeason} 次，此前已用 ${before} 次，本计划用 ${inPlan} 次，剩 ${left} 次`,
  alternatives: (list: string, more: number) => `其他对口学会：${list}${more > 0 ? ` 等共 ${more} 个` : ''}`,
  noAlternatives: '没有其他对口学会',
  alternative: (name: string, left: number, onVisit: boolean, excluded: boolean) =>
    `${name}（剩 ${left} 次${onVisit ? '，同去此镇' : ''}${excluded ? '，已被协调人排除' : ''}）`,
  unassignedWhy: (need: string, reason: string, societies: string) =>
    `未分配「${need}」：${
      reason === 'no-competent-society'
        ? '没有对口的学会'
        : reason === 'excluded-by-override'
          ? `尚有余力的对口学会被协调人排除（${societies}）`
          : `对口的学会本季都已满（${societies}）`
    }`,
  overridesTitle: '协调人的调整及其代价',
  overrideLine: (what: string, cost: string, note?: string) => `${what}：${cost}${note ? `（${note}）` : ''}`,
  pin: (society: string, county: string) => `指定 ${society} 走访 ${county}`,
  exclusion: (society: string, county?: string) =>
    county ? `${society} 不参加 ${county} 的走访` : `${society} 本季不参加任何走访`,
  lock: (county: string, town: string) => `${county} 锁定走访 ${town}`,
  themes: {
    talent: '人才引智',
    industry: '科技兴业',
    literacy: '科普素养',
    advice: '建言献策',
    grassroots: '强基固本',
  } satisfies Record<Theme, string>,
};

/** The same sentences in English: typed by `zh`, so neither language misses one. */
const en: typeof zh = {
  title: (season) => `Plan for ${season} (one town per county, five questions per town)`,
  county: 'County',
  town: 'Town visited',
  societies: 'Societies (needs)',
  unassigned: 'Unassigned',
  none: '-',
  society: (name, count) => `${name} (${count})`,
  noTowns: (names) => `No towns, so no visit this season: ${names}`,
  totals: (visits, needs, assigned, unassigned) =>
    `Total: ${visits} town visits, ${needs} needs, ${assigned} assigned, ${unassigned} unassigned`,
  listSeparator: ', ',
  clauseSeparator: '; ',
  colon: ': ',
  solving: (counties, societies, needs) =>
    `Planning ${counties} counties, ${societies} societies, ${needs} needs…`,
  objectiveTitle: 'Objective and bound',
  weightLine: (weight, bound, ratio, proven, coverable) =>
    `Needs with a society: urgency ${weight} in all; no plan can reach more than ${bound}, this one reaches ${ratio}${proven ? ', the best possible' : ''} (needs some society could take: ${coverable})`,
  pairsLine: (pairs, proven, maxLoad, _squares) =>
    `${pairs} society ${pairs === 1 ? 'visit' : 'visits'}${proven ? ' (the fewest possible)' : ''}; the busiest society uses ${maxLoad} of its season, the load spread as evenly as it goes`,
  method: (method) =>
    `Worked out ${method === 'exact' ? 'exactly' : 'approximately at this size, with the most any plan could reach to compare'}`,
  whyTitle: 'Why each visit',
  visitHeading: (county, town, locked) =>
    `${county} · ${town} (${locked ? 'locked by the coordinator' : 'chosen by town choice'})`,
  towns: 'Top towns',
  townFigures: (rank, town, needs, weight, recent, since) =>
    `${rank}. ${town}: ${needs} open need${needs === 1 ? '' : 's'}, urgency ${weight} in all, ${since === null ? 'never visited' : `last visited ${since} season${since === 1 ? '' : 's'} ago${recent ? ' (within 4 seasons)' : ''}`}`,
  societyWhy: (name, needs, competent, pinned) =>
    `${name}${pinned ? ' (pinned by the coordinator)' : ''} takes: ${needs} (competent for ${competent} of the town's needs)`,
  capacity: (perSeason, before, inPlan, left) =>
    `${perSeason} visits this season, ${before} used before, ${inPlan} in this plan, ${left} left`,
  alternatives: (list, more) => `other competent societies: ${list}${more > 0 ? `, ${more} in all` : ''}`,
  noAlternatives: 'no other competent society',
  alternative: (name, left, onVisit, excluded) =>
    `${name} (left ${left}${onVisit ? ', on this visit' : ''}${excluded ? ', excluded' : ''})`,
  unassignedWhy: (need, reason, societies) =>
    `unassigned “${need}”: ${
      reason === 'no-competent-society'
        ? 'no competent society'
        : reason === 'excluded-by-override'
          ? `competent societies with capacity are excluded by the coordinator (${societies})`
          : `every competent society is full (${societies})`
    }`,
  overridesTitle: 'Coordinator overrides and what they cost',
  overrideLine: (what, cost, note) => `${what}: ${cost}${note ? ` (${note})` : ''}`,
  pin: (society, county) => `${society} pinned to ${county}`,
  exclusion: (society, county) =>
    county ? `${society} off the visit of ${county}` : `${society} on no visit this season`,
  lock: (county, town) => `${county} visits ${town}`,
  themes: {
    talent: 'Talent',
    industry: 'Industry',
    literacy: 'Literacy',
    advice: 'Advice',
    grassroots: 'Grassroots',
  },
};

export const LABELS: Readonly<Record<Lang, typeof zh>> = { zh, en };

/** The plan as a table for people: one row per visit, society names in the chosen language. */
export function renderPlan(plan: Plan, data: DataSet, lang: Lang): string {
  const labels = LABELS[lang];
  const countyById = new Map(data.counties.map((county) => [county.id, county]));
  const societyById = new Map(data.societies.map((society) => [society.id, society]));

  const header = [
    labels.county,
    labels.town,
    ...THEMES.map((theme) => labels.themes[theme]),
    labels.societies,
    labels.unassigned,
  ];
  const rows = plan.visits.map((visit) => {
    const county = countyById.get(visit.countyId);
    const town = county?.towns.find((candidate) => candidate.id === visit.townId);
    const societies = visit.assignments.map((assignment) =>
      labels.society(
        societyById.get(assignment.societyId)?.name[lang] ?? assignment.societyId,
        assignment.needIds.length,
      ),
    );
    return [
      county?.name[lang] ?? visit.countyId,
      town?.name[lang] ?? visit.townId,
      ...THEMES.map((theme) => String(visit.questions.find((q) => q.theme === theme)?.needIds.length ?? 0)),
      societies.length > 0 ? societies.join('\n') : labels.none,
      String(visit.unassignedNeedIds.length),
    ];
  });

  const needCount = plan.visits.reduce(
    (sum, visit) => sum + visit.questions.reduce((n, q) => n + q.needIds.length, 0),
    0,
  );
  const unassignedCount = plan.visits.reduce((sum, visit) => sum + visit.unassignedNeedIds.length, 0);
  const countiesWithoutTowns = data.counties.filter((county) => county.towns.length === 0);

  const lines = [labels.title(plan.season), '', renderTable(header, rows), ''];
  if (countiesWithoutTowns.length > 0) {
    lines.push(
      labels.noTowns(countiesWithoutTowns.map((county) => county.name[lang]).join(labels.listSeparator)),
    );
  }
  lines.push(labels.totals(plan.visits.length, needCount, needCount - unassignedCount, unassignedCount));
  if (plan.explain !== undefined) lines.push('', ...renderExplanation(plan.explain, data, lang));
  return `${lines.join('\n')}\n`;
}

/** Alternatives shown per society before "… in all". */
const ALTERNATIVES_SHOWN = 5;

/** The explanation for people: objective and bound, then each visit's why, then the overrides' costs. */
export function renderExplanation(explain: PlanExplanation, data: DataSet, lang: Lang): string[] {
  const labels = LABELS[lang];
  const countyById = new Map(data.counties.map((county) => [county.id, county]));
  const societyName = new Map(data.societies.map((society) => [society.id, society.name[lang]]));
  const nameOfSociety = (id: string) => societyName.get(id) ?? id;
  const nameOfCounty = (id: string) => countyById.get(id)?.name[lang] ?? id;
  const nameOfTown = (countyId: string, townId: string) =>
    countyById.get(countyId)?.towns.find((town) => town.id === townId)?.name[lang] ?? townId;
  const needTitle = new Map(data.needs.map((need) => [need.id, need.title]));
  const titleOf = (id: string) => needTitle.get(id) ?? id;
  const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
  const { objective, bound } = explain;

  const lines = [
    labels.objectiveTitle,
    `  ${labels.weightLine(objective.weight, bound.weight, percent(bound.ratio), bound.optimal.weight, bound.coverableWeight)}`,
    `  ${labels.pairsLine(objective.pairs, bound.optimal.pairs, percent(objective.maxLoadFraction), objective.loadSquares)}`,
    `  ${labels.method(bound.method)}`,
    '',
    labels.whyTitle,
  ];
  for (const visit of explain.visits) {
    lines.push(
      labels.visitHeading(
        nameOfCounty(visit.countyId),
        nameOfTown(visit.countyId, visit.townId),
        visit.townLocked,
      ),
    );
    lines.push(`  ${labels.towns}${labels.colon}`);
    visit.towns.forEach((town, rank) => {
      lines.push(
        `    ${labels.townFigures(rank + 1, nameOfTown(visit.countyId, town.townId), town.openNeedCount, town.urgencyWeight, town.visitedRecently, town.seasonsSinceLastVisit)}`,
      );
    });
    for (const assignment of visit.assignments) {
      const { perSeason, usedBefore, usedInPlan, left } = assignment.capacity;
      const shown = assignment.alternatives
        .slice(0, ALTERNATIVES_SHOWN)
        .map((alt) =>
          labels.alternative(nameOfSociety(alt.societyId), alt.capacityLeft, alt.onVisit, alt.excluded),
        );
      const more = assignment.alternativeCount > ALTERNATIVES_SHOWN ? assignment.alternativeCount : 0;
      lines.push(
        `  ${labels.societyWhy(nameOfSociety(assignment.societyId), assignment.needIds.map(titleOf).join(labels.listSeparator), assignment.competentNeedIds.length, assignment.pinned)}`,
        `    ${labels.capacity(perSeason, usedBefore, usedInPlan, left)}${labels.clauseSeparator}${
          shown.length > 0
            ? labels.alternatives(shown.join(labels.listSeparator), more)
            : labels.noAlternatives
        }`,
      );
    }
    for (const unassigned of visit.unassigned) {
      const names = unassigned.competentSocieties
        .slice(0, ALTERNATIVES_SHOWN)
        .map((society) => nameOfSociety(society.societyId))
        .join(labels.listSeparator);
      const more = unassigned.competentSocieties.length > ALTERNATIVES_SHOWN ? ' …' : '';
      lines.push(`  ${labels.unassignedWhy(titleOf(unassigned.needId), unassigned.reason, names + more)}`);
    }
  }
  if (explain.overrides.length > 0) {
    lines.push('', labels.overridesTitle);
    for (const cost of explain.overrides) {
      const what =
        cost.kind === 'pin'
          ? labels.pin(nameOfSociety(cost.societyId ?? ''), nameOfCounty(cost.countyId ?? ''))
          : cost.kind === 'exclusion'
            ? labels.exclusion(
                nameOfSociety(cost.societyId ?? ''),
                cost.countyId === undefined ? undefined : nameOfCounty(cost.countyId),
              )
            : labels.lock(
                nameOfCounty(cost.countyId ?? ''),
                nameOfTown(cost.countyId ?? '', cost.townId ?? ''),
              );
      lines.push(`  ${labels.overrideLine(what, overrideCostWords(cost, lang), cost.note)}`);
    }
  }
  return lines;
}

/** Columns padded by display width, since a Chinese character takes two terminal cells. Cells may span lines. */
export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(
      displayWidth(title),
      ...rows.flatMap((row) => (row[column] ?? '').split('\n').map((line) => displayWidth(line))),
    ),
  );
  const renderRow = (cells: string[]) => {
    const cellLines = cells.map((cell) => cell.split('\n'));
    const height = Math.max(...cellLines.map((linesOfCell) => linesOfCell.length));
    return Array.from({ length: height }, (_, line) =>
      cellLines
        .map((linesOfCell, column) => padEnd(linesOfCell[line] ?? '', widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    ).join('\n');
  };
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [renderRow(header), rule, ...rows.map(renderRow)].join('\n');
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += isWide(char.codePointAt(0) ?? 0) ? 2 : 1;
  return width;
}

/** East Asian wide and fullwidth ranges that occur in Chinese names and punctuation. */
function isWide(codePoint: number): boolean {
  return (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  );
}
