import { FIGURE_KEYS, type FigureKey } from '#schemas/labels';

/**
 * Season report figures (docs/rules.md): the season's figures, per county and in total. The one place they are computed: the API
 * JSON, CSV, XLSX, the dashboard funnel and the terminal all show what this returns, under the
 * labels of schemas/labels.ts (FIGURE_LABELS, which defines each). Pure: the caller reads the
 * season's visits, offers, latest visit reports and the needs submitted in each county that season.
 */
export interface FiguresVisit {
  countyId: string;
  townId: string;
  questions: { needIds: string[] }[];
}
export interface FiguresOffer {
  countyId: string;
  needIds: string[];
  status: 'offered' | 'accepted' | 'declined' | 'expired' | 'reassigned' | 'withdrawn';
}
export interface FiguresReport {
  countyId: string;
  outcomes: { needId: string; outcome: 'resolved' | 'partial' | 'unresolved' }[];
  cooperations: unknown[];
}
/** A need submitted in the season (Asia/Shanghai quarter of `submittedAt`), in any town. */
export interface FiguresNeed {
  id: string;
  countyId: string;
}

export type SeasonFigures = Record<FigureKey, number>;

export interface SeasonReport {
  season: string;
  total: SeasonFigures;
  /** A row per county with a visit or a need submitted this season; `townId` is the visit's town. */
  counties: ({ countyId: string; townId: string | null } & SeasonFigures)[];
}

export interface SeasonFiguresInput {
  season: string;
  visits: readonly FiguresVisit[];
  offers: readonly FiguresOffer[];
  /** The latest version of each society's report on each visit. */
  reports: readonly FiguresReport[];
  submitted: readonly FiguresNeed[];
  /** 收集需求 counted where the needs were stored (the county summaries), instead of `submitted`. */
  collectedByCounty?: ReadonlyMap<string, number>;
}

export function seasonFigures({
  season,
  visits,
  offers,
  reports,
  submitted,
  collectedByCounty,
}: SeasonFiguresInput): SeasonReport {
  // Grouped by county once: a national season has thousands of visits, offers and needs.
  const visitOf = new Map(visits.map((v) => [v.countyId, v]));
  const offersOf = groupByCounty(offers);
  const reportsOf = groupByCounty(reports);
  const submittedOf = groupByCounty(submitted);
  const collected = (countyId: string) =>
    collectedByCounty?.get(countyId) ?? new Set((submittedOf.get(countyId) ?? []).map((n) => n.id)).size;
  const countyIds = [
    ...new Set([
      ...visits.map((v) => v.countyId),
      ...submitted.map((n) => n.countyId),
      ...[...(collectedByCounty ?? [])].filter(([, n]) => n > 0).map(([id]) => id),
    ]),
  ].sort((a, b) => a.localeCompare(b));
  const counties = countyIds.map((countyId) => {
    const visit = visitOf.get(countyId);
    const onVisit = new Set(visit?.questions.flatMap((q) => q.needIds) ?? []);
    const assigned = new Set(
      (offersOf.get(countyId) ?? [])
        .filter((o) => o.status === 'offered' || o.status === 'accepted')
        .flatMap((o) => o.needIds)
        .filter((id) => onVisit.has(id)),
    );
    // Each society on the visit reports on its own needs: together they are the visit's outcomes.
    const filed = visit ? (reportsOf.get(countyId) ?? []) : [];
    const handled = new Set(
      filed
        .flatMap((r) => r.outcomes)
        .filter((o) => o.outcome === 'resolved' && onVisit.has(o.needId))
        .map((o) => o.needId),
    );
    const figures: SeasonFigures = {
      collected: collected(countyId),
      onVisit: onVisit.size,
      assigned: assigned.size,
      unassigned: onVisit.size - assigned.size,
      visited: filed.length > 0 ? 1 : 0,
      handled: handled.size,
      cooperations: filed.reduce((sum, r) => sum + r.cooperations.length, 0),
      carriedOver: onVisit.size - handled.size,
    };
    return { countyId, townId: visit?.townId ?? null, ...figures };
  });
  const total = Object.fromEntries(
    FIGURE_KEYS.map((key) => [key, counties.reduce((sum, c) => sum + c[key], 0)]),
  ) as SeasonFigures;
  return { season, total, counties };
}

/** Items by their county, in the order they come. */
export function groupByCounty<T extends { countyId: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.countyId);
    if (group) group.push(item);
    else groups.set(item.countyId, [item]);
  }
  return groups;
}
