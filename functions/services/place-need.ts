import { createHash } from 'node:crypto';
import {
  ConflictError,
  type FieldIssue,
  fieldIssue,
  InvalidInputError,
  NotFoundError,
} from '#commons/errors';
import type { Caller } from '#commons/http';
import { backoff, isTransactionConflict } from '#commons/table';
import { isCompetent } from '#domain/assignment-model';
import { ACTIVE_OFFER_STATUSES } from '#domain/reassignment';
import type { SeasonId } from '#schemas/index';
import { offerId as offerIdOf } from '#schemas/keys';
import { listSocieties } from '#store/catalog';
import { getNeed } from '#store/needs';
import { seasonOffers } from '#store/offers';
import { placementOf, placeOffer } from '#store/plan-review';
import { getRound, getVisit } from '#store/rounds';
import { planChangePut } from './audit-plan-change.ts';
import { roundStarter } from './start-round.ts';

/*
 * A need of the season's visit that no offer covers, placed by the coordinator's hand on a society
 * with capacity left (docs/rules.md, the coordinator's word): an offer like any other, with its own
 * execution, timeout and reassignment.
 */

import { logEntryPut } from '#store/items/visit-log';
import { both } from './read-plan.ts';
/** The execution that sends a placed offer: one per offer, so a retried request starts nothing new. */
export function placementExecutionName(season: string, offerId: string): string {
  return `${season}-placed-${createHash('sha256').update(offerId).digest('hex').slice(0, 24)}`;
}

const societyField = (zh: string, en: string): FieldIssue[] => [fieldIssue('body.societyId', zh, en)];

/**
 * POST /seasons/{season}/needs/{needId}/assign: a need of the season's visit that no offer covers
 * goes to a society with capacity left — competent or, by the coordinator's judgement, not — as a
 * new offer sent by its own execution (its own timeout and reassignment, like any offer).
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
  // A society outside the need's fields may still go: the coordinator knows people the catalog does not.
  const competent = isCompetent(society, need);

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
    // The offer, its visit-log entry and its audit entry are one transaction: a request that dies
    // after it leaves nothing for its retry (which finds the offer and only starts its execution).
    const at = new Date().toISOString();
    const alongside = [
      logEntryPut({
        visitId: visit.id,
        key: `placed#${needId}#${societyId}`,
        kind: 'reassigned',
        at,
        by: caller.subject,
        detail: { societyId, needIds: [needId], byHand: true, ...(competent ? {} : { competent }) },
      }),
      await planChangePut(caller, {
        action: 'need.assign',
        target: { kind: 'need', id: needId },
        after: { societyId, offerId: id, ...(competent ? {} : { competent }) },
      }),
    ];
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
        at,
        mine?.status === 'withdrawn',
        alongside,
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
      if (!isTransactionConflict(error) || attempt >= 8) throw error;
      await backoff(attempt);
    }
  }
  return start(id);

  async function start(offerId: string) {
    const { executionId } = await roundStarter().start(placementExecutionName(season, offerId), {
      season: season as SeasonId,
      offerIds: [offerId],
    });
    return { offerId, season, needId, societyId, executionId };
  }
}
