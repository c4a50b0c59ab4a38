import { ConflictError, NotFoundError } from '#commons/errors';
import type { Caller } from '#commons/http';
import { isCompetent } from '#domain/assignment-model';
import { unassignedNeedIdsOf } from '#domain/reassignment';
import {
  MAX_OFFER_TRIES,
  type PlanLabels,
  type SeasonId,
  type Society,
  shownOfferStatus,
  THEMES,
  type UNASSIGNED_CAUSES,
} from '#schemas/index';
import { listCounties, listSocieties } from '#store/catalog';
import { needsByIds } from '#store/needs';
import { countyOffers, type OfferRecord, seasonCapacityUsed, seasonOffers } from '#store/offers';
import { getSeasonOverrides } from '#store/overrides';
import { overrideCosts } from '#store/plan-review';
import {
  type ApprovalResult,
  getRound,
  getVisit,
  planVisit,
  planVisits,
  type RoundRecord,
  seasonVisits,
} from '#store/rounds';
import { schedulesOf } from '#store/schedules';
import { scheduleView } from './schedule-visit.ts';

/*
 * The coordinator's word (docs/rules.md): the plan while it waits for approval, re-planned under the
 * coordinator's overrides by the planner `rounds plan` uses (domain/plan.ts planRound, with what each
 * override costs), approved (the waiting round goes on and sends exactly the stored offers), and the
 * needs left without a society placed by hand, each an offer like any other.
 */

export const both = (zh: string, en: string) => `${zh} / ${en}`;

export function refused(result: Exclude<ApprovalResult, { ok: true }>, season: string): Error {
  if (result.reason === 'not-planned') {
    return result.round
      ? new ConflictError(both(`${season} 的计划尚未生成`, `the ${season} plan is not made yet`))
      : new NotFoundError(both(`${season} 还没有计划`, `season ${season} has no plan yet`));
  }
  if (result.reason === 'approved') {
    return new ConflictError(
      both(
        `${season} 的计划已批准，不能再调整或批准`,
        `the ${season} plan was approved already; it can no longer be changed or approved`,
      ),
    );
  }
  return new ConflictError(
    both(
      '另一次重新规划正在进行，请稍后再试',
      'another re-plan of this season is in progress; try again shortly',
    ),
  );
}

// ---- names --------------------------------------------------------------------------------------

export async function planLabels(needIds: readonly string[]): Promise<PlanLabels> {
  const [counties, societies, needs] = await Promise.all([
    listCounties(),
    listSocieties(),
    needsByIds([...new Set(needIds)]),
  ]);
  return {
    counties: Object.fromEntries(counties.map((c) => [c.id, c.name])),
    towns: Object.fromEntries(counties.flatMap((c) => c.towns.map((t) => [`${c.id}/${t.id}`, t.name]))),
    societies: Object.fromEntries(societies.map((s) => [s.id, s.name])),
    needs: Object.fromEntries(needs.map((n) => [n.id, { title: n.title, theme: n.theme, field: n.field }])),
  };
}

/** GET /seasons/{season}/plan: the stored plan, its explanation, the review's state; names for coordinators. */
export async function seasonPlanView(season: string, caller: Pick<Caller, 'role' | 'county'>) {
  // A liaison's county only, by key, whatever the size of the season; the review's state is the coordinator's.
  const county = caller.role === 'coordinator' ? undefined : (caller.county ?? '');
  const [plan, round, visits, overrides, costs] = await Promise.all([
    storedPlan(season, county),
    getRound(season),
    county === undefined ? seasonVisits(season) : getVisit(season, county).then((v) => (v ? [v] : [])),
    county === undefined ? getSeasonOverrides(season as SeasonId) : undefined,
    county === undefined ? overrideCosts(season) : undefined,
  ]);
  if (!plan || !round)
    throw new NotFoundError(both(`${season} 还没有计划`, `season ${season} has no plan yet`));
  const explainOf = new Map(visits.map((v) => [v.countyId, v.explain]));
  const listed = plan.visits.filter((v) => caller.role === 'coordinator' || v.countyId === caller.county);
  // Each visit's date (one BatchGetItem per 100 visits).
  const schedules = await schedulesOf(listed.map((v) => v.id));
  const shown = listed.map((v) => {
    const explain = explainOf.get(v.countyId);
    const schedule = schedules.get(v.id);
    return { ...v, ...(explain ? { explain } : {}), schedule: schedule ? scheduleView(schedule) : null };
  });
  const approval = {
    ...(round.approvalDeadline && !round.approvedAt ? { deadline: round.approvalDeadline } : {}),
    ...(round.approvedBy ? { approvedBy: round.approvedBy } : {}),
    ...(round.approvedAt ? { approvedAt: round.approvedAt } : {}),
  };
  const coordinator = caller.role === 'coordinator';
  return {
    ...plan,
    visits: shown,
    approval,
    ...(coordinator && overrides ? { overrides: { ...overrides, season: season as SeasonId } } : {}),
    ...(coordinator && costs ? { costs } : {}),
    ...(coordinator
      ? {
          labels: await planLabels(
            shown.flatMap((v) => [...v.questions.flatMap((q) => q.needIds), ...v.unassignedNeedIds]),
          ),
        }
      : {}),
  };
}

// ---- needs left without a society ------------------------------------------------------------------

const REFUSED = new Set(['declined', 'expired']);
const refusedOffer = (o: OfferRecord) =>
  REFUSED.has(o.status) || (o.status === 'reassigned' && o.endedAs !== undefined);

/** GET /seasons/{season}/unassigned: each need of the season's visits without a society, why, and who could take it. */
export async function seasonUnassigned(season: string) {
  const [round, visits, offers, societies, capacityUsed, overrides] = await Promise.all([
    getRound(season),
    seasonVisits(season),
    seasonOffers(season),
    listSocieties(),
    seasonCapacityUsed(season),
    getSeasonOverrides(season as SeasonId),
  ]);
  const excludedFrom = (societyId: string, countyId: string) =>
    (overrides?.exclusions ?? []).some(
      (e) => e.societyId === societyId && (e.countyId === undefined || e.countyId === countyId),
    );
  if (!round?.plannedAt)
    throw new NotFoundError(both(`${season} 还没有计划`, `season ${season} has no plan yet`));
  const byVisit = visits.map((visit) => ({ visit, needIds: unassignedNeedIdsOf(visit, offers) }));
  const needs = new Map(
    (await needsByIds(byVisit.flatMap((v) => v.needIds)))
      .filter((n) => n.status === 'open')
      .map((n) => [n.id, n]),
  );
  const items = byVisit.flatMap(({ visit, needIds }) => {
    // An offer the re-plan withdrew was never sent: its society is not on the visit.
    const onVisit = new Set(
      offers.filter((o) => o.countyId === visit.countyId && o.status !== 'withdrawn').map((o) => o.societyId),
    );
    return needIds.flatMap((needId) => {
      const need = needs.get(needId);
      if (!need) return [];
      const refusals = offers.filter(
        (o) => o.countyId === visit.countyId && o.needIds.includes(needId) && refusedOffer(o),
      ).length;
      const competent = societies.filter((s) => isCompetent(s, need));
      const left = (s: Society) => s.capacityPerSeason - (capacityUsed[s.id] ?? 0);
      const candidates = societies
        .filter((s) => left(s) > 0 && !onVisit.has(s.id))
        .map((s) => ({ society: s, left: left(s), competent: isCompetent(s, need) }))
        .sort(
          (a, b) =>
            Number(b.competent) - Number(a.competent) ||
            b.left - a.left ||
            (a.society.id < b.society.id ? -1 : 1),
        )
        .map((c) => ({
          societyId: c.society.id,
          name: c.society.name,
          capacityLeft: c.left,
          excluded: excludedFrom(c.society.id, visit.countyId),
          competent: c.competent,
          ...(c.competent ? {} : { fields: c.society.fields }),
        }));
      const competentCandidates = candidates.filter((c) => c.competent);
      const offerOn = (societyId: string) =>
        offers.find(
          (o) => o.countyId === visit.countyId && o.societyId === societyId && o.status !== 'withdrawn',
        );
      const blocked = competent
        .filter((s) => !competentCandidates.some((c) => c.societyId === s.id))
        .map((s) => {
          const offer = offerOn(s.id);
          return offer
            ? { societyId: s.id, name: s.name, why: 'on-visit' as const, offerStatus: offer.status }
            : { societyId: s.id, name: s.name, why: 'full' as const };
        });
      const cause: (typeof UNASSIGNED_CAUSES)[number] =
        refusals >= MAX_OFFER_TRIES
          ? 'declined-three-times'
          : competent.length === 0
            ? 'no-competent-society'
            : competentCandidates.length === 0
              ? 'all-full'
              : competentCandidates.every((c) => c.excluded)
                ? 'excluded-by-override'
                : 'not-planned';
      return [
        {
          needId,
          title: need.title,
          visitId: visit.id,
          countyId: visit.countyId,
          townId: visit.townId,
          cause,
          refusals,
          candidates,
          blocked,
        },
      ];
    });
  });
  return { season, items, labels: await planLabels(items.map((i) => i.needId)) };
}

// ---- the stored plan -----------------------------------------------------------------------------

export interface StoredPlan {
  season: string;
  status: RoundRecord['status'];
  visits: {
    id: string;
    countyId: string;
    townId: string;
    questions: { theme: (typeof THEMES)[number]; needIds: string[]; text?: { zh: string; en: string } }[];
    assignments: {
      id: string;
      societyId: string;
      needIds: string[];
      status: string;
      /** 1 for a planned offer; 2 and 3 after a decline or an expiry moved the needs. */
      attempt: number;
      /** The refused offer whose needs this one took over. */
      replaces?: string;
      /** Where this offer's needs went (status `reassigned`). */
      reassignedTo?: string;
      /** Refused, and nobody could take its needs: the coordinator was alerted (the dashboard shows it). */
      alert?: { reason: 'tries-exhausted' | 'no-society'; needIds: string[]; at: string };
    }[];
    unassignedNeedIds: string[];
  }[];
}

/**
 * A season's plan as stored, in the shape of `rounds plan --json` plus ids and offer status: every
 * county (the season's visits and offers, paged), or only `countyId`'s (3 key reads: the round, the
 * visit, a Query of its offers).
 */
export async function storedPlan(season: string, countyId?: string): Promise<StoredPlan | undefined> {
  const [round, visits, offers] = await Promise.all([
    getRound(season),
    countyId ? planVisit(season, countyId).then((v) => (v ? [v] : [])) : planVisits(season),
    countyId ? countyOffers(season, countyId) : seasonOffers(season),
  ]);
  if (!round?.plannedAt) return undefined;
  const offersByCounty = new Map<string, OfferRecord[]>();
  for (const offer of offers) {
    const list = offersByCounty.get(offer.countyId);
    if (list) list.push(offer);
    else offersByCounty.set(offer.countyId, [offer]);
  }
  return {
    season,
    status: round.status,
    visits: visits
      .sort((a, b) => a.countyId.localeCompare(b.countyId))
      .map((visit) => ({
        id: visit.id,
        countyId: visit.countyId,
        townId: visit.townId,
        questions: THEMES.map((theme) => {
          const question = visit.questions.find((q) => q.theme === theme);
          return {
            theme,
            needIds: question?.needIds ?? [],
            ...(question?.text ? { text: question.text } : {}),
          };
        }),
        assignments: (offersByCounty.get(visit.countyId) ?? [])
          // A withdrawn offer left the plan at the coordinator's review, never sent.
          .filter((o) => o.visitId === visit.id && o.status !== 'withdrawn')
          .sort((a, b) => a.societyId.localeCompare(b.societyId))
          .map((o) => ({
            id: o.id,
            societyId: o.societyId,
            needIds: o.needIds,
            // `proposed` until the round sends it: the plan under review reads so.
            status: shownOfferStatus(o),
            attempt: o.attempt ?? 1,
            ...(o.replaces ? { replaces: o.replaces } : {}),
            ...(o.reassignedTo ? { reassignedTo: o.reassignedTo } : {}),
            ...(o.alert ? { alert: o.alert } : {}),
          })),
        // Derived from the offers: a need is unassigned when no offered or accepted offer covers it.
        unassignedNeedIds: unassignedNeedIdsOf(visit, offersByCounty.get(visit.countyId) ?? []),
      })),
  };
}
