import { planRound } from '#domain/plan';
import { type DataSet, type Plan, SeasonId, THEMES, type Theme } from '#schemas/index';
import { type Command, parseCommandArgs, UsageError } from '../command.ts';
import { loadDataDir } from '../data-dir.ts';

const USAGE = `Usage: rounds plan --season S --data DIR [--json] [--lang zh|en]

Computes the season's plan from a data directory, without changing anything.
  --season S    the season, like 2026-Q4
  --data DIR    the data directory (counties.json, societies.json, needs.json, visits.json)
  --json        print only the plan as JSON
  --lang L      table language: zh (default) or en`;

const OPTIONS = {
  season: { type: 'string' },
  data: { type: 'string' },
  json: { type: 'boolean' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Lang = 'zh' | 'en';

export const planCommand: Command = {
  summary: 'compute a season plan from a data directory (no side effects)',
  async run(argv) {
    const flags = parseCommandArgs(argv, OPTIONS, USAGE);
    if (flags.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const season = requireSeason(flags.season);
    if (flags.data === undefined || flags.data === '') throw new UsageError(`missing --data DIR\n\n${USAGE}`);
    const lang = requireLang(flags.lang);

    const data = loadDataDir(flags.data);
    const plan = planRound(season, data);
    process.stdout.write(flags.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan, data, lang));
    return 0;
  },
};

function requireSeason(value: string | undefined): SeasonId {
  if (value === undefined) throw new UsageError(`missing --season (a season like 2026-Q4)\n\n${USAGE}`);
  if (!SeasonId.safeParse(value).success) {
    throw new UsageError(`--season "${value}" is not a season like 2026-Q4 (year, "-Q", quarter 1-4)`);
  }
  return value;
}

function requireLang(value: string | undefined): Lang {
  if (value === undefined || value === 'zh' || value === 'en') return value ?? 'zh';
  throw new UsageError(`--lang "${value}" is not supported: use zh or en`);
}

const LABELS = {
  zh: {
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
    themes: {
      talent: '人才引智',
      industry: '科技兴业',
      literacy: '科普素养',
      advice: '建言献策',
      grassroots: '强基固本',
    },
  },
  en: {
    title: (season: string) => `Plan for ${season} (one town per county, five questions per town)`,
    county: 'County',
    town: 'Town visited',
    societies: 'Societies (needs)',
    unassigned: 'Unassigned',
    none: '-',
    society: (name: string, count: number) => `${name} (${count})`,
    noTowns: (names: string) => `No towns, so no visit this season: ${names}`,
    totals: (visits: number, needs: number, assigned: number, unassigned: number) =>
      `Total: ${visits} town visits, ${needs} needs, ${assigned} assigned, ${unassigned} unassigned`,
    listSeparator: ', ',
    themes: {
      talent: 'Talent',
      industry: 'Industry',
      literacy: 'Literacy',
      advice: 'Advice',
      grassroots: 'Grassroots',
    },
  },
} satisfies Record<Lang, { themes: Record<Theme, string> } & Record<string, unknown>>;

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
  return `${lines.join('\n')}\n`;
}

/** Columns padded by display width, since a Chinese character takes two terminal cells. Cells may span lines. */
function renderTable(header: string[], rows: string[][]): string {
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
