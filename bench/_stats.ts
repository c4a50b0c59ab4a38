import { generateInstance, SIZES } from '../bench/generate.ts';
import { chooseTown } from '../domain/town-choice.ts';
import { URGENCY_WEIGHT } from '../schemas/index.ts';
for (const size of Object.values(SIZES)) {
  const t0 = performance.now();
  const data = generateInstance(size, 1);
  const byCounty = new Map<string, typeof data.needs>();
  for (const n of data.needs) { const a = byCounty.get(n.countyId) ?? []; a.push(n); byCounty.set(n.countyId, a); }
  const histBy = new Map<string, typeof data.visits>();
  for (const v of data.visits) { const a = histBy.get(v.countyId) ?? []; a.push(v); histBy.set(v.countyId, a); }
  const visits = data.counties.map((c) => {
    const open = byCounty.get(c.id) ?? [];
    const t = chooseTown({ season: '2026-Q4', towns: c.towns, openNeeds: open, history: histBy.get(c.id) ?? [] })!;
    return open.filter((n) => n.townId === t.townId);
  });
  const comp = (s: any, n: any) => s.themes.includes(n.theme) && s.fields.includes(n.field);
  let needCount = 0, weight = 0, coverable = 0, pairs = 0, classes = 0, maxNeeds = 0, maxClasses=0;
  let oneSocietyAll = 0; let visitsWithCoverable = 0;
  for (const needs of visits) {
    needCount += needs.length; maxNeeds = Math.max(maxNeeds, needs.length);
    const cls = new Set(needs.map((n) => n.theme + '|' + n.field)); classes += cls.size; maxClasses = Math.max(maxClasses, cls.size);
    const cov = needs.filter((n) => data.societies.some((s) => s.capacityPerSeason > 0 && comp(s, n)));
    for (const n of needs) weight += URGENCY_WEIGHT[n.urgency];
    for (const n of cov) coverable += URGENCY_WEIGHT[n.urgency];
    if (cov.length) visitsWithCoverable++;
    const ps = data.societies.filter((s) => needs.some((n) => comp(s, n)));
    pairs += ps.length;
    if (cov.length && ps.some((s) => cov.every((n) => comp(s, n)))) oneSocietyAll++;
  }
  const cap = data.societies.reduce((a, s) => a + s.capacityPerSeason, 0);
  console.log(size.name, { visits: visits.length, needCount, maxNeeds, classes, maxClasses, weight, coverable, pairs, cap, visitsWithCoverable, oneSocietyAll, ms: Math.round(performance.now() - t0) });
}
