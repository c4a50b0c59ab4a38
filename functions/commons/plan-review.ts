import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { isCompetent } from '#domain/assignment-model';
import { ACTIVE_OFFER_STATUSES, unassignedNeedIdsOf } from '#domain/reassignment';
import { MAX_OFFER_TRIES, type PlanLabels, type SeasonId, type UNASSIGNED_CAUSES } from '#schemas/index';
import { offerId as offerIdOf } from '#schemas/keys';
import { ConflictError, type FieldIssue, InvalidInputError, NotFoundError } from './errors.ts';
import type { Caller } from './http.ts';
import { logger } from './logger.ts';
import { recordPlanChange } from './plan-audit.ts';
import { roundStarter } from './round-starter.ts';
import { listCounties, listSocieties } from './store/catalog.ts';
import { getNeed, needsByIds } from './store/needs.ts';
import { type OfferRecord, seasonCapacityUsed, seasonOffers } from './store/offers.ts';
import { getSeasonOverrides } from './store/overrides.ts';
import { type ApprovalResult, approvePlan } from './store/plan-approval.ts';
import { overrideCosts, placementOf, placeOffer } from './store/plan-review.ts';
import { getRound, getVisit, seasonVisits, storedPlan } from './store/rounds.ts';
import { appendVisitLog } from './store/visit-log.ts';
import { taskTokens } from './task-tokens.ts';

/*
 * The coordinator's word (rule 9): the plan while it waits for approval, re-planned under the
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
        `${season} 的计划已批准（${result.round?.approvedBy ?? ''}），不能再调整或批准`,
        `the ${season} plan was approved already (${result.round?.approvedBy ?? ''}); it can no longer be changed or approved`,
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
  const [plan, round, visits, overrides, costs] = await Promise.all([
    storedPlan(season),
    getRound(season),
    seasonVisits(season),
    getSeasonOverrides(season as SeasonId),
    overrideCosts(season),
  ]);
  if (!plan || !round)
    throw new NotFoundError(both(`${season} 还没有计划`, `season ${season} has no plan yet`));
  const explainOf = new Map(visits.map((v) => [v.countyId, v.explain]));
  const shown = plan.visits
    .filter((v) => caller.role === 'coordinator' || v.countyId === caller.county)
    .map((v) => {
      const explain = explainOf.get(v.countyId);
      return explain ? { ...v, explain } : v;
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

// ---- approval ---------------------------------------------------------------------------------------

/** POST /seasons/{season}/plan/approve: the waiting round goes on and sends the stored plan's offers. */
export async function approveSeason(caller: Caller, season: string) {
  const result = await approvePlan(season, caller.subject, new Date().toISOString());
  if (!result.ok) throw refused(result, season);
  const token = result.round.approvalToken;
  // Without a token the round has not begun to wait yet: AwaitPlanApproval sees the approval itself.
  if (token) {
    try {
      await taskTokens().succeed(token, { approvedBy: caller.subject });
    } catch (error) {
      const name = (error as Error).name;
      if (name !== 'TaskTimedOut' && name !== 'InvalidToken' && name !== 'TaskDoesNotExist') throw error;
      logger.info('plan review already closed', { season, reason: name });
    }
  }
  await recordPlanChange(caller, {
    action: 'plan.approve',
    target: { kind: 'season', id: season },
    after: { approvedBy: caller.subject, approvedAt: result.round.approvedAt },
  });
  return seasonPlanView(season, caller);
}

// ---- needs left without a society ------------------------------------------------------------------

const REFUSED = new Set(['declined', 'expired']);
const refusedOffer = (o: OfferRecord) =>
  REFUSED.has(o.status) || (o.status === 'reassigned' && o.endedAs !== undefined);

/** GET /seasons/{season}/unassigned: each need of the season's visits without a society, why, and who could take it. */
export async function seasonUnassigned(season: string) {
  const [round, visits, offers, societies, capacityUsed] = await Promise.all([
    getRound(season),
    seasonVisits(season),
    seasonOffers(season),
    listSocieties(),
    seasonCapacityUsed(season),
  ]);
  if (!round?.plannedAt)
    throw new NotFoundError(both(`${season} 还没有计划`, `season ${season} has no plan yet`));
  const byVisit = visits.map((visit) => ({ visit, needIds: unassignedNeedIdsOf(visit, offers) }));
  const needs = new Map(
    (await needsByIds(byVisit.flatMap((v) => v.needIds)))
      .filter((n) => n.status === 'open')
      .map((n) => [n.id, n]),
  );
  const items = byVisit.flatMap(({ visit, needIds }) => {
    const onVisit = new Set(offers.filter((o) => o.countyId === visit.countyId).map((o) => o.societyId));
    return needIds.flatMap((needId) => {
      const need = needs.get(needId);
      if (!need) return [];
      const refusals = offers.filter(
        (o) => o.countyId === visit.countyId && o.needIds.includes(needId) && refusedOffer(o),
      ).length;
      const competent = societies.filter((s) => isCompetent(s, need));
      const candidates = competent
        .map((s) => ({ society: s, left: s.capacityPerSeason - (capacityUsed[s.id] ?? 0) }))
        .filter((c) => c.left > 0 && !onVisit.has(c.society.id))
        .sort((a, b) => b.left - a.left || (a.society.id < b.society.id ? -1 : 1))
        .map((c) => ({ societyId: c.society.id, name: c.society.name, capacityLeft: c.left }));
      const cause: (typeof UNASSIGNED_CAUSES)[number] =
        refusals >= MAX_OFFER_TRIES
          ? 'declined-three-times'
          : competent.length === 0
            ? 'no-competent-society'
            : 'all-full';
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
        },
      ];
    });
  });
  return { season, items, labels: await planLabels(items.map((i) => i.needId)) };
}

// ---- hand placement ------------------------------------------------------------------------------

/** The execution that sends a placed offer: one per offer, so a retried request starts nothing new. */
function placementExecutionName(season: string, offerId: string): string {
  return `${season}-placed-${createHash('sha256').update(offerId).digest('hex').slice(0, 24)}`;
}

const societyField = (zh: string, en: string): FieldIssue[] => [
  { path: 'body.societyId', message: both(zh, en), zh, en },
];

/**
 * POST /seasons/{season}/needs/{needId}/assign: a need of the season's visit that no offer covers
 * goes to a competent society with capacity left, as a new offer sent by its own execution (its
 * own timeout and reassignment, like any offer).
 */
export async function placeNeed(caller: Caller, season: string, needId: string, societyId: string) {
  const round = await getRound(season);
  if (!round?.plannedAt)
    throw new NotFoundError(both(`${season} 还没有计划`, `season ${season} has no plan yet`));
  if (!round.approvedAt)
    throw new ConflictError(
      both(
        '计划尚未批准：请先审核批准，或在调整中安排',
        'the plan is not approved yet: approve it, or change it with overrides',
      ),
    );
  const need = await getNeed(needId);
  if (!need) throw new NotFoundError(both(`没有需求“${needId}”`, `no need "${needId}"`));
  const visit = await getVisit(season, need.countyId);
  if (!visit?.questions.some((q) => q.needIds.includes(needId)))
    throw new ConflictError(
      both(
        `需求“${need.title}”不在 ${season} 的走访中`,
        `the need "${need.title}" is not on a ${season} visit`,
      ),
    );
  if (need.status !== 'open')
    throw new ConflictError(
      both(`需求“${need.title}”已不再开放`, `the need "${need.title}" is no longer open`),
    );
  const societies = await listSocieties();
  const society = societies.find((s) => s.id === societyId);
  if (!society)
    throw new InvalidInputError(
      both('请求有误', 'invalid request'),
      societyField(`没有学会“${societyId}”`, `no society "${societyId}"`),
    );
  if (!isCompetent(society, need))
    throw new InvalidInputError(
      both('该学会不对口', 'the society is not competent for the need'),
      societyField(
        `${society.name.zh}不对口：需求为 ${need.theme} / ${need.field}`,
        `${society.name.en} is not competent for ${need.theme} / ${need.field}`,
      ),
    );

  const id = offerIdOf(season, need.countyId, societyId);
  for (let attempt = 0; ; attempt++) {
    const offers = (await seasonOffers(season)).filter((o) => o.countyId === need.countyId);
    const mine = offers.find((o) => o.id === id);
    // A retried request: the placed offer exists and is not sent yet — start (or join) its execution.
    if (mine?.placedBy && mine.needIds.includes(needId) && mine.status === 'offered') return start(mine.id);
    const covering = offers.find(
      (o) => o.needIds.includes(needId) && (ACTIVE_OFFER_STATUSES as readonly string[]).includes(o.status),
    );
    if (covering)
      throw new ConflictError(
        both(`需求“${need.title}”已有学会对接`, `the need "${need.title}" has a society already`),
      );
    if (mine && mine.status !== 'withdrawn')
      throw new ConflictError(
        both(
          `${society.name.zh}在此走访中已有邀请`,
          `${society.name.en} has had an offer on this visit already`,
        ),
      );
    const previous = await placementOf(season, needId);
    try {
      const result = await placeOffer(
        {
          season,
          countyId: need.countyId,
          townId: visit.townId,
          societyId,
          needId,
          placedBy: caller.subject,
        },
        society.capacityPerSeason,
        previous,
        new Date().toISOString(),
        mine?.status === 'withdrawn',
      );
      if (result === 'full')
        throw new ConflictError(
          both(
            `${society.name.zh}本季已无余力（${society.capacityPerSeason} 次已满）`,
            `${society.name.en} has no capacity left this season`,
          ),
        );
      if (result === 'offer-exists' || result === 'placed-meanwhile') continue;
      break;
    } catch (error) {
      const conflict =
        error instanceof TransactionCanceledException &&
        (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
      if (!conflict || attempt >= 8) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt * Math.random()));
    }
  }
  const at = new Date().toISOString();
  await appendVisitLog({
    visitId: visit.id,
    key: `placed#${needId}#${societyId}`,
    kind: 'reassigned',
    at,
    by: caller.subject,
    detail: { societyId, needIds: [needId], byHand: true },
  });
  await recordPlanChange(caller, {
    action: 'need.assign',
    target: { kind: 'need', id: needId },
    after: { societyId, offerId: id },
  });
  return start(id);

  async function start(offerId: string) {
    const { executionId } = await roundStarter().start(placementExecutionName(season, offerId), {
      season: season as SeasonId,
      offerIds: [offerId],
    });
    return { offerId, season, needId, societyId, executionId };
  }
}
