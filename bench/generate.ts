import type { County, DataSet, Need, Society, Theme, Urgency, VisitHistoryEntry } from '#schemas/index';
import { THEMES } from '#schemas/index';
import { seededRandom } from '../domain/seeded-random.ts';

/**
 * Seeded generator of realistic planning instances for the benchmark and the tests.
 *
 * Shape of the data (modelled on the demo data and the source report):
 * - every county has a few local specialities (tea, bamboo, herbs, tourism…); about 60% of its needs
 *   are in one of them, the rest follow the national popularity of fields;
 * - needs cluster in a few towns of a county (Zipf-like town weights), so the town that town choice (docs/rules.md) picks
 *   usually has several needs;
 * - themes: industry 30%, advice 20%, talent 18%, literacy 17%, grassroots 15%; urgency: high 20%,
 *   normal 63%, low 17% (the demo's mix);
 * - societies have one main field (drawn by demand, so supply roughly follows needs), sometimes a
 *   related second or third field, and 2–4 themes (industry and talent most common); about one in
 *   twelve is a broad society (rural revitalisation, retired scientists) with 4 fields and 4–5 themes;
 * - capacities are drawn uniformly from the size's range (national 2–8: about 3,000 society-visits
 *   for 2,844 visits, so capacity is scarce);
 * - history: each county was visited in some of the last 8 seasons.
 * The same seed and size always give the same data set.
 */
export interface InstanceSize {
  name: string;
  counties: number;
  /** Inclusive range of towns per county. */
  towns: [number, number];
  societies: number;
  needs: number;
  /** Inclusive range of capacityPerSeason. */
  capacity: [number, number];
}

export const SIZES = {
  city: { name: 'city', counties: 4, towns: [14, 23], societies: 16, needs: 94, capacity: [1, 4] },
  province: { name: 'province', counties: 26, towns: [8, 16], societies: 40, needs: 600, capacity: [1, 4] },
  national: {
    name: 'national',
    counties: 2844,
    towns: [5, 16],
    societies: 600,
    needs: 15000,
    capacity: [2, 8],
  },
} as const satisfies Record<string, InstanceSize>;

/** Fields with a rough national popularity of needs (relative weights). */
const FIELDS: readonly { zh: string; en: string; weight: number }[] = [
  { zh: '农业', en: 'agriculture', weight: 12 },
  { zh: '茶叶', en: 'tea', weight: 7 },
  { zh: '林业', en: 'forestry', weight: 7 },
  { zh: '中医药', en: 'herbs', weight: 6 },
  { zh: '医疗', en: 'health', weight: 7 },
  { zh: '科普', en: 'outreach', weight: 9 },
  { zh: '青少年', en: 'youth', weight: 6 },
  { zh: '信息化', en: 'it', weight: 6 },
  { zh: '电商', en: 'ecommerce', weight: 6 },
  { zh: '旅游', en: 'tourism', weight: 7 },
  { zh: '乡村治理', en: 'governance', weight: 6 },
  { zh: '生态', en: 'ecology', weight: 5 },
  { zh: '水利', en: 'water', weight: 4 },
  { zh: '食品', en: 'food', weight: 5 },
  { zh: '建筑', en: 'building', weight: 3 },
  { zh: '畜牧', en: 'livestock', weight: 4 },
  { zh: '水产', en: 'fishery', weight: 3 },
  { zh: '气象', en: 'weather', weight: 2 },
  { zh: '地质灾害', en: 'geohazard', weight: 2 },
  { zh: '竹产业', en: 'bamboo', weight: 3 },
  { zh: '果蔬', en: 'fruit', weight: 5 },
  { zh: '物流', en: 'logistics', weight: 2 },
  { zh: '新能源', en: 'energy', weight: 2 },
  { zh: '机械', en: 'machinery', weight: 2 },
];

/** Fields a society of the first field often also covers. */
const RELATED: Readonly<Record<string, readonly string[]>> = {
  农业: ['果蔬', '畜牧', '食品'],
  茶叶: ['农业', '食品'],
  林业: ['竹产业', '生态'],
  中医药: ['医疗', '农业'],
  医疗: ['中医药'],
  科普: ['青少年'],
  青少年: ['科普'],
  信息化: ['电商'],
  电商: ['信息化', '物流'],
  旅游: ['生态', '乡村治理'],
  乡村治理: ['旅游'],
  生态: ['林业', '水利'],
  水利: ['生态', '地质灾害'],
  食品: ['农业'],
  建筑: ['地质灾害'],
  畜牧: ['农业'],
  水产: ['农业', '生态'],
  气象: ['农业'],
  地质灾害: ['水利', '建筑'],
  竹产业: ['林业'],
  果蔬: ['农业', '食品'],
  物流: ['电商'],
  新能源: ['机械'],
  机械: ['新能源'],
};

const THEME_WEIGHTS: Readonly<Record<Theme, number>> = {
  talent: 18,
  industry: 30,
  literacy: 17,
  advice: 20,
  grassroots: 15,
};
/** How often a society takes on each theme. */
const SOCIETY_THEME_WEIGHTS: Readonly<Record<Theme, number>> = {
  talent: 25,
  industry: 30,
  literacy: 20,
  advice: 15,
  grassroots: 10,
};
const URGENCY_WEIGHTS: Readonly<Record<Urgency, number>> = { high: 20, normal: 63, low: 17 };

function integer(next: () => number, [low, high]: readonly [number, number]): number {
  return low + Math.floor(next() * (high - low + 1));
}

function pick<T>(next: () => number, items: readonly T[], weightOf: (item: T) => number): T {
  const total = items.reduce((sum, item) => sum + weightOf(item), 0);
  let point = next() * total;
  for (const item of items) {
    point -= weightOf(item);
    if (point < 0) return item;
  }
  return items[items.length - 1]!;
}

function pickDistinct<T>(
  next: () => number,
  items: readonly T[],
  weightOf: (item: T) => number,
  count: number,
) {
  const chosen: T[] = [];
  while (chosen.length < Math.min(count, items.length)) {
    const item = pick(next, items, (candidate) => (chosen.includes(candidate) ? 0 : weightOf(candidate)));
    chosen.push(item);
  }
  return chosen;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

const SEASONS_BEFORE = [
  '2024-Q4',
  '2025-Q1',
  '2025-Q2',
  '2025-Q3',
  '2025-Q4',
  '2026-Q1',
  '2026-Q2',
  '2026-Q3',
];

/** A data set of the given size; the planned season is 2026-Q4. */
export function generateInstance(size: InstanceSize, seed = 1): DataSet {
  const next = seededRandom(seed);
  const width = String(size.counties).length;

  const counties: County[] = [];
  const townWeights: number[][] = [];
  const specialities: string[][] = [];
  for (let c = 0; c < size.counties; c += 1) {
    const id = `c${pad(c + 1, width)}`;
    const townCount = integer(next, size.towns);
    counties.push({
      id,
      name: { zh: `第${c + 1}县`, en: `County ${c + 1}` },
      towns: Array.from({ length: townCount }, (_, t) => ({
        id: `${id}-t${pad(t + 1, 2)}`,
        name: { zh: `第${c + 1}县${t + 1}镇`, en: `Town ${t + 1} of county ${c + 1}` },
      })),
    });
    // Zipf-like: the county seat and a couple of market towns collect most needs.
    townWeights.push(
      Array.from({ length: townCount }, () => 1 / (1 + Math.floor(next() * townCount)) ** 1.2),
    );
    specialities.push(pickDistinct(next, FIELDS, (f) => f.weight, integer(next, [2, 3])).map((f) => f.zh));
  }

  const needs: Need[] = [];
  const needWidth = String(size.needs).length;
  const themes = [...THEMES];
  for (let n = 0; n < size.needs; n += 1) {
    const c = Math.floor(next() * size.counties);
    const county = counties[c]!;
    const weights = townWeights[c]!;
    const town = pick(next, county.towns, (t) => weights[county.towns.indexOf(t)] ?? 0);
    const field =
      next() < 0.6 ? pick(next, specialities[c]!, () => 1) : pick(next, FIELDS, (f) => f.weight).zh;
    const theme = pick(next, themes, (t) => THEME_WEIGHTS[t]);
    const urgency = pick(next, ['high', 'normal', 'low'] as const, (u) => URGENCY_WEIGHTS[u]);
    const day = 1 + Math.floor(next() * 28);
    needs.push({
      id: `n${pad(n + 1, needWidth)}`,
      countyId: county.id,
      townId: town.id,
      theme,
      field,
      title: `${field}·${theme} 需求 ${n + 1}`,
      urgency,
      submittedAt: `2026-09-${pad(day, 2)}T09:00:00+08:00`,
    });
  }

  const societies: Society[] = [];
  const societyWidth = String(size.societies).length;
  for (let s = 0; s < size.societies; s += 1) {
    const broad = next() < 1 / 12;
    const main = pick(next, FIELDS, (f) => f.weight).zh;
    const fields = [main];
    const related = RELATED[main] ?? [];
    const extra = broad ? 3 : next() < 0.45 ? (next() < 0.3 ? 2 : 1) : 0;
    for (const field of pickDistinct(next, related, () => 1, extra)) fields.push(field);
    while (fields.length < (broad ? 4 : 1)) {
      const field = pick(next, FIELDS, (f) => (fields.includes(f.zh) ? 0 : f.weight)).zh;
      fields.push(field);
    }
    const themeCount = broad ? integer(next, [4, 5]) : integer(next, [2, 4]);
    const societyThemes = pickDistinct(next, themes, (t) => SOCIETY_THEME_WEIGHTS[t], themeCount);
    societies.push({
      id: `s${pad(s + 1, societyWidth)}`,
      name: { zh: `${fields[0]}学会${s + 1}`, en: `Society ${s + 1}` },
      themes: THEMES.filter((t) => societyThemes.includes(t)),
      fields,
      capacityPerSeason: integer(next, size.capacity),
    });
  }

  const visits: VisitHistoryEntry[] = [];
  for (const county of counties) {
    for (const season of SEASONS_BEFORE) {
      if (next() < 0.5) {
        const town = county.towns[Math.floor(next() * county.towns.length)]!;
        visits.push({ season, countyId: county.id, townId: town.id });
      }
    }
  }

  return { counties, societies, needs, visits };
}
