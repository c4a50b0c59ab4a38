import { NotFoundError } from '#commons/errors';
import { alertTexts } from '#domain/coordinator-notices';
import { nextSendableTime } from '#domain/quiet-hours';
import { rankSuccessors } from '#domain/reassignment';
import { publicOrigin } from '#functions/api/public-origin';
import { MAX_OFFER_TRIES, type Reassignment, ReassignNeedsInput } from '#schemas/index';
import { getCounty, getSociety, listSocieties } from '#store/catalog';
import { needsByIds } from '#store/needs';
import {
  countyOffers,
  getTeamOffer,
  reassignOffer,
  recordAlert,
  seasonCapacityUsed,
  type TeamOffer,
} from '#store/offers';
import { roundStep } from './step.ts';

const BY = 'round-state-machine';

/**
 * FindNextSociety (offers and reassignment, docs/rules.md): after a decline or an expiry, moves the offer's open needs to the next
 * best competent society with capacity left — a new offer, taken with its capacity in the same
 * transaction that marks the old one `reassigned`. After the third try, or when no society can take
 * them, it returns the coordinator alert instead (sent by the state machine after quiet hours), and
 * records that decision on the offer: a re-run (after a crash) returns the same alert, even if a
 * society got capacity back since. Idempotent, also when two runs race (a retried step): both end
 * with the one successor created, or the one alert.
 * Reads: 1 GetItem (the offer) + 1 Query of its county's offers + 1 Query of the season's capacity
 * (one small item per society), then the needs (BatchGetItem) and the societies (1 Query); an alert
 * reads the county and the last society (2 GetItems) to name them.
 */
export const handler = roundStep(
  'FindNextSociety',
  ReassignNeedsInput,
  async ({ season, offerId }): Promise<Reassignment> => {
    const offer = await getTeamOffer(offerId);
    if (!offer) throw new NotFoundError(`offer "${offerId}" does not exist`);
    const attempt = offer.attempt ?? 1;
    // The successor is an offer on the same visit: the county's offers, not the season's.
    const [offers, capacityUsed] = await Promise.all([
      countyOffers(season, offer.countyId),
      seasonCapacityUsed(season),
    ]);

    const existing = offers.find((o) => o.replaces === offer.id);
    if (existing) return successor(offer, existing);
    // Accepted (a late answer through a newer execution) or still offered: nothing moves.
    if (offer.status !== 'declined' && offer.status !== 'expired') return nothingToMove(attempt);

    // An earlier run decided on the coordinator's alert: it stands (sent again, never moved after all).
    if (offer.alert) return alertOf(offer, offer.alert);

    const needs = (await needsByIds(offer.needIds)).filter((n) => n.status === 'open');
    if (needs.length === 0) return nothingToMove(attempt);
    const alert = async (reason: 'tries-exhausted' | 'no-society'): Promise<Reassignment> => {
      const needIds = needs.map((n) => n.id).sort();
      const decided = await recordAlert(offer, { reason, needIds, at: new Date().toISOString() });
      if (decided?.alert) return alertOf(offer, decided.alert, needs);
      // A concurrent run moved the needs meanwhile.
      return (await followed(offer)) ?? nothingToMove(attempt);
    };
    if (attempt >= MAX_OFFER_TRIES) return alert('tries-exhausted');

    const societies = await listSocieties();
    const capacity = new Map(societies.map((s) => [s.id, s.capacityPerSeason]));
    const onVisit = new Set(offers.map((o) => o.societyId));
    const candidates = rankSuccessors({ needs, societies, capacityUsed, onVisit });

    for (const candidate of candidates) {
      const at = new Date().toISOString();
      const result = await reassignOffer(offer, candidate, capacity.get(candidate.societyId) ?? 0, at, {
        visitId: offer.visitId,
        key: `reassigned#${offer.societyId}`,
        kind: 'reassigned',
        at,
        by: BY,
        detail: {
          fromSocietyId: offer.societyId,
          societyId: candidate.societyId,
          endedAs: offer.status,
          needIds: candidate.needIds,
          unassignedNeedIds: candidate.leftoverNeedIds,
          attempt: attempt + 1,
        },
      });
      if (result === 'created') {
        return {
          nextOfferId: `${offer.season}.${offer.countyId}.${candidate.societyId}`,
          attempt: attempt + 1,
          unassignedNeedIds: candidate.leftoverNeedIds,
          alert: null,
        };
      }
      // 'stale': a concurrent run moved the needs already; 'exists' / 'full': that society joined the
      // visit or its capacity went meanwhile. Follow a concurrent run if there was one, else go on.
      const moved = await followed(offer);
      if (moved) return moved;
      if (result === 'stale') return nothingToMove(attempt);
    }
    return (await followed(offer)) ?? alert('no-society');
  },
);

/** The coordinator's alert for a refused offer, as decided (`offer.alert`). */
async function alertOf(
  offer: TeamOffer,
  decided: NonNullable<TeamOffer['alert']>,
  known?: Awaited<ReturnType<typeof needsByIds>>,
): Promise<Reassignment> {
  const attempt = offer.attempt ?? 1;
  const origin = linkOrigin();
  const sameNeeds =
    known
      ?.map((n) => n.id)
      .sort()
      .join() === decided.needIds.join();
  const [needs, county, lastSociety] = await Promise.all([
    known && sameNeeds ? known : needsByIds(decided.needIds),
    getCounty(offer.countyId),
    getSociety(offer.societyId),
  ]);
  return {
    nextOfferId: null,
    attempt,
    unassignedNeedIds: decided.needIds,
    alert: {
      reason: decided.reason,
      ...alertTexts({
        offer,
        county,
        ...(lastSociety ? { lastSociety } : {}),
        reason: decided.reason,
        needs,
        tries: attempt,
        ...(origin ? { origin } : {}),
      }),
      notBefore: nextSendableTime(new Date()).toISOString(),
    },
  };
}

/** The pages' address for the alert's link; the alert still says where to go without one. */
function linkOrigin(): string | undefined {
  try {
    return publicOrigin();
  } catch {
    return undefined;
  }
}

function nothingToMove(attempt: number): Reassignment {
  return { nextOfferId: null, attempt, unassignedNeedIds: [], alert: null };
}

function successor(from: TeamOffer, to: TeamOffer): Reassignment {
  return {
    nextOfferId: to.id,
    attempt: to.attempt ?? (from.attempt ?? 1) + 1,
    unassignedNeedIds: from.needIds.filter((id) => !to.needIds.includes(id)).sort(),
    alert: null,
  };
}

/** What a concurrent run of this step did with the offer, if it moved its needs. */
async function followed(offer: TeamOffer): Promise<Reassignment | undefined> {
  const again = await getTeamOffer(offer.id);
  if (!again?.reassignedTo) return undefined;
  const next = await getTeamOffer(again.reassignedTo);
  return next
    ? successor(offer, next)
    : { ...nothingToMove((offer.attempt ?? 1) + 1), nextOfferId: again.reassignedTo };
}
