import { ConflictError, type FieldIssue, fieldIssue, InvalidInputError } from '#commons/errors';
import type { Caller } from '#commons/http';
import { logger } from '#commons/logger';
import { OverrideConflictError } from '#domain/override-conflict';
import { planRound } from '#domain/plan';
import type {
  County,
  Need,
  OverrideCost,
  Overrides,
  PlanExplanation,
  SeasonId,
  Society,
  VisitHistoryEntry,
} from '#schemas/index';
import { offerId as offerIdOf, visitId as visitIdOf } from '#schemas/keys';
import { storedPlan } from '#services/read-plan';
import { listCounties, listSocieties } from '#store/catalog';
import { openNeedsOfCounty } from '#store/needs';
import { offerPlannedAssignment, seasonOffers } from '#store/offers';
import { putSeasonOverrides } from '#store/overrides';
import {
  replaceVisit,
  reviseUnsentOffer,
  reviveWithdrawnOffer,
  saveOverrideCosts,
  withdrawUnsentOffer,
} from '#store/plan-review';
import { claimReplan, historyOfCounty, releaseReplan } from '#store/rounds';
import { appendVisitLog } from '#store/visit-log';
import { recordPlanChange } from './audit-plan-change.ts';
import { both, refused } from './read-plan.ts';

/*
 * The coordinator's re-plan (PUT /seasons/{season}/overrides): the planner of `rounds plan`
 * (domain/plan.ts planRound, HiGHS) on the table's catalog, open needs and history. Apart from
 * plan-review.ts so that only this function's bundle carries the solver.
 */

/** How long one re-plan may hold the season (the API's own limit is 30 s). */
const REPLAN_LEASE_MS = 60_000;
/** Seconds the assignment solver and the override costing get within one request. */
const SOLVE_SECONDS = 10;
const COSTING_SECONDS = 15;

// ---- re-plan under overrides -----------------------------------------------------------------------

/** Overrides naming a county, town or society the catalog does not have: 400, each named. */
function referenceIssues(overrides: Overrides, counties: County[], societies: Society[]): FieldIssue[] {
  const county = new Map(counties.map((c) => [c.id, c]));
  const society = new Set(societies.map((s) => s.id));
  const issues: FieldIssue[] = [];
  const issue = (path: string, zh: string, en: string) => issues.push(fieldIssue(path, zh, en));
  const checkSociety = (path: string, id: string) => {
    if (!society.has(id)) issue(path, `没有学会“${id}”`, `no society "${id}"`);
  };
  const checkCounty = (path: string, id: string | undefined) => {
    if (id !== undefined && !county.has(id)) issue(path, `没有县“${id}”`, `no county "${id}"`);
  };
  overrides.pins.forEach((pin, i) => {
    checkSociety(`body.pins[${i}].societyId`, pin.societyId);
    checkCounty(`body.pins[${i}].countyId`, pin.countyId);
  });
  overrides.exclusions.forEach((exclusion, i) => {
    checkSociety(`body.exclusions[${i}].societyId`, exclusion.societyId);
    checkCounty(`body.exclusions[${i}].countyId`, exclusion.countyId);
  });
  overrides.townLocks.forEach((lock, i) => {
    checkCounty(`body.townLocks[${i}].countyId`, lock.countyId);
    const towns = county.get(lock.countyId)?.towns;
    if (towns && !towns.some((t) => t.id === lock.townId))
      issue(
        `body.townLocks[${i}].townId`,
        `“${lock.townId}”不是该县的乡镇`,
        `"${lock.townId}" is not a town of county "${lock.countyId}"`,
      );
  });
  return issues;
}

/** The planner's data set from the table: the catalog, open needs, and the history before this season. */
async function seasonDataSet(season: string, counties: County[], societies: Society[]) {
  const [needs, history] = await Promise.all([
    Promise.all(counties.map((c) => openNeedsOfCounty(c.id))),
    Promise.all(counties.map((c) => historyOfCounty(c.id))),
  ]);
  return {
    counties,
    societies,
    needs: needs.flat().map(
      ({ id, countyId, townId, theme, field, title, detail, urgency, submittedAt }): Need => ({
        id,
        countyId,
        townId,
        theme,
        field,
        title,
        ...(detail === undefined ? {} : { detail }),
        urgency,
        submittedAt,
      }),
    ),
    // This season's own entry is the plan being replaced, not history.
    visits: history.flat().filter((h) => h.season !== season) as VisitHistoryEntry[],
  };
}

export interface ReplanResult {
  season: string;
  overrides: Overrides;
  explain: PlanExplanation;
  costs: OverrideCost[];
}

/**
 * PUT /seasons/{season}/overrides: the season re-planned under these overrides (optimal under them),
 * stored as the plan that waits for approval; 409 once approved.
 */
export async function replanSeason(caller: Caller, season: string, input: Overrides): Promise<ReplanResult> {
  if (input.season !== undefined && input.season !== season) {
    throw new InvalidInputError(both('请求有误', 'invalid request'), [
      fieldIssue('body.season', `应为 ${season}（与路径一致）`, `must be ${season}, the season in the path`),
    ]);
  }
  const overrides: Overrides = { ...input, season: season as SeasonId };
  const [counties, societies] = await Promise.all([listCounties(), listSocieties()]);
  const issues = referenceIssues(overrides, counties, societies);
  if (issues.length > 0)
    throw new InvalidInputError(both('调整引用了不存在的对象', 'unknown references'), issues);

  const now = new Date();
  const until = new Date(now.getTime() + REPLAN_LEASE_MS).toISOString();
  const claim = await claimReplan(season, now.toISOString(), until);
  if (!claim.ok) throw refused(claim, season);
  try {
    const data = await seasonDataSet(season, counties, societies);
    let plan: ReturnType<typeof planRound>;
    try {
      plan = planRound(season as SeasonId, data, {
        overrides,
        timeLimit: SOLVE_SECONDS,
        overrideCostDeadline: COSTING_SECONDS,
      });
    } catch (error) {
      if (!(error instanceof OverrideConflictError)) throw error;
      const fields = error.conflicts.map((c) =>
        fieldIssue(`body.${c.override}`, `无法执行：${c.message}`, `cannot be honoured: ${c.message}`),
      );
      throw new InvalidInputError(both('调整无法同时满足', 'the overrides cannot all be honoured'), fields);
    }
    const explain = plan.explain as PlanExplanation;
    const before = await storedPlan(season);
    await storeReplan(season, plan.visits, explain, societies, claim.round.plannedAt ?? now.toISOString());
    const at = new Date().toISOString();
    await putSeasonOverrides(season as SeasonId, overrides, at);
    await saveOverrideCosts(season, explain.overrides);
    await recordPlanChange(caller, {
      action: 'overrides.update',
      target: { kind: 'season', id: season },
      before: before?.visits.map((v) => ({
        countyId: v.countyId,
        townId: v.townId,
        societies: v.assignments.map((a) => a.societyId),
      })),
      after: {
        overrides,
        visits: plan.visits.map((v) => ({
          countyId: v.countyId,
          townId: v.townId,
          societies: v.assignments.map((a) => a.societyId),
        })),
      },
    });
    return { season, overrides, explain, costs: explain.overrides };
  } finally {
    await releaseReplan(season, until);
  }
}

/** The re-planned visits and their offers in place of the stored ones (none of which was sent). */
async function storeReplan(
  season: string,
  visits: ReturnType<typeof planRound>['visits'],
  explain: PlanExplanation,
  societies: Society[],
  plannedAt: string,
): Promise<void> {
  const capacity = new Map(societies.map((s) => [s.id, s.capacityPerSeason]));
  const offers = await seasonOffers(season);
  const wanted = new Map(
    visits.flatMap((v) =>
      v.assignments.map((a) => [offerIdOf(season, v.countyId, a.societyId), { v, a }] as const),
    ),
  );
  // Capacity first given back, then taken: a society moving between counties never looks full.
  for (const offer of offers) {
    if (wanted.has(offer.id) || offer.status === 'withdrawn') continue;
    if (!(await withdrawUnsentOffer(offer)))
      throw new ConflictError(
        both('邀请已发出，不能再调整', 'offers went out meanwhile; the plan can no longer change'),
      );
  }
  const at = new Date().toISOString();
  for (const visit of visits) {
    const visitExplain = explain.visits.find((e) => e.countyId === visit.countyId);
    await replaceVisit({
      id: visitIdOf(season, visit.countyId),
      season,
      countyId: visit.countyId,
      townId: visit.townId,
      questions: visit.questions,
      ranking: visitExplain?.towns ?? [],
      unassignedNeedIds: visit.unassignedNeedIds,
      ...(visitExplain ? { explain: visitExplain } : {}),
      plannedAt,
    });
    for (const assignment of visit.assignments) {
      const existing = offers.find((o) => o.id === offerIdOf(season, visit.countyId, assignment.societyId));
      if (existing?.status === 'withdrawn') {
        const change = { townId: visit.townId, needIds: assignment.needIds };
        if (!(await reviveWithdrawnOffer(existing, change, capacity.get(assignment.societyId) ?? 0)))
          logger.warn('withdrawn offer not revived', { season, offerId: existing.id });
        continue;
      }
      if (existing) {
        if (!(await reviseUnsentOffer(existing, { townId: visit.townId, needIds: assignment.needIds })))
          throw new ConflictError(
            both('邀请已发出，不能再调整', 'offers went out meanwhile; the plan can no longer change'),
          );
        continue;
      }
      const result = await offerPlannedAssignment(season, visit, assignment, capacity, at);
      if (result === 'full')
        logger.warn('society full at re-plan', { season, societyId: assignment.societyId });
    }
    await appendVisitLog({
      visitId: visitIdOf(season, visit.countyId),
      key: `replanned#${at}`,
      kind: 'planned',
      at,
      by: 'coordinator',
      detail: { townId: visit.townId, societies: visit.assignments.map((a) => a.societyId), replanned: true },
    });
  }
}
