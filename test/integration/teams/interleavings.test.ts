/**
 * 1,000 randomized concurrent interleavings of accept / decline / no answer — 250 seasons, each
 * with four offers whose answer chains (answer → record → reassign → answer …, up to three tries)
 * run at once and race each other — against the real
 * local database through the same handlers the state machine calls (RecordAnswer, FindNextSociety)
 * and the same answer path the API uses (answerOffer). Three visits share five small societies per
 * season, so reassignments race for the last unit of capacity; answers race each other (accept vs
 * decline on one offer); steps are retried concurrently. After each season: capacity never
 * exceeded, every need assigned once or listed unassigned, the log complete.
 */
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { unassignedNeedIdsOf } from '#domain/reassignment';
import { seededRandom } from '#domain/seeded-random';
import type { County, Society, StoredNeed, Theme } from '#schemas/index';
import { embeddedRuntime } from '#support/embedded-api';

/** Each season runs one interleaving per planned offer, all four at once. */
const INTERLEAVINGS = Number(process.env.INTERLEAVINGS ?? 1000);
const PARALLEL = 25;

const counties: County[] = ['a', 'b', 'c'].map((c) => ({
  id: `county-${c}`,
  name: { zh: `${c}县`, en: `County ${c}` },
  towns: [{ id: `town-${c}`, name: { zh: `${c}镇`, en: `Town ${c}` } }],
}));
const THEMES: Theme[] = ['talent', 'industry', 'literacy', 'advice', 'grassroots'];
const societies: Society[] = [1, 1, 2, 2, 1].map((capacityPerSeason, i) => ({
  id: `s${i + 1}`,
  name: { zh: `学会${i + 1}`, en: `Society ${i + 1}` },
  // s5 is competent for nothing but literacy: some needs find nobody.
  themes: i === 4 ? ['literacy'] : THEMES,
  fields: ['农业'],
  capacityPerSeason,
}));
const needs: StoredNeed[] = counties.flatMap((county, c) =>
  [0, 1, 2].map((n) => ({
    id: `${county.id}-need-${n}`,
    countyId: county.id,
    townId: county.towns[0]!.id,
    theme: THEMES[(c + n) % 5]!,
    field: '农业',
    title: `需求 ${c}-${n}`,
    urgency: (['high', 'normal', 'low'] as const)[n]!,
    submittedAt: '2026-09-01T08:00:00+08:00',
    status: 'open' as const,
  })),
);
/** The planned offers of every season: county → [society, needs]. */
const PLANNED: [string, string, string[]][] = [
  ['county-a', 's1', ['county-a-need-0', 'county-a-need-1']],
  ['county-a', 's2', ['county-a-need-2']],
  ['county-b', 's3', ['county-b-need-0', 'county-b-need-1', 'county-b-need-2']],
  ['county-c', 's4', ['county-c-need-0', 'county-c-need-1']],
];

const runtime = embeddedRuntime();
let offers: typeof import('#services/answer-offer');
type Step = (event: unknown, context: Context) => Promise<unknown>;
let recordAnswer: Step;
let findNextSociety: Step;

beforeAll(async () => {
  offers = await import('#services/answer-offer');
  recordAnswer = (await import('#functions/round/record-answer')).handler as Step;
  findNextSociety = (await import('#functions/round/find-next-society')).handler as Step;
  await runtime.store.writeCatalog({ counties, societies, needs, visits: [] });
});

const context = {
  functionName: 'test',
  awsRequestId: 'test',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;
/** What SendOfferAndWaitForAnswer's attachTaskToken stamps on an offer it sends (no task waits here). */
async function markSent(id: string): Promise<void> {
  const [{ documents, tableName }, { keys, parseOfferId }, { UpdateCommand }] = await Promise.all([
    import('#commons/clients'),
    import('#schemas/keys'),
    import('@aws-sdk/lib-dynamodb'),
  ]);
  const { season, countyId, societyId } = parseOfferId(id)!;
  await documents().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.offer(season, countyId, societyId),
      UpdateExpression: 'SET offeredAt = if_not_exists(offeredAt, :at)',
      ExpressionAttributeValues: { ':at': new Date().toISOString() },
    }),
  );
}

const seasonOf = (i: number) => `${3000 + Math.floor(i / 4)}-Q${(i % 4) + 1}`;

interface Tally {
  answersRefused: number;
  reassigned: number;
  alerts: number;
  full: number;
}

/** One season: plan, then every offer's chain runs concurrently with the others. */
async function interleaving(i: number, tally: Tally): Promise<void> {
  const season = seasonOf(i);
  const rnd = seededRandom(0x5eed + i);
  const pause = () =>
    rnd() < 0.5 ? Promise.resolve() : new Promise((r) => setTimeout(r, Math.floor(rnd() * 4)));
  const at = new Date().toISOString();
  for (const county of counties) {
    await runtime.store.putVisitIfAbsent({
      id: `${season}.${county.id}`,
      season,
      countyId: county.id,
      townId: county.towns[0]!.id,
      questions: THEMES.map((theme) => ({
        theme,
        needIds: needs.filter((n) => n.countyId === county.id && n.theme === theme).map((n) => n.id),
      })),
      ranking: [],
      unassignedNeedIds: [],
      plannedAt: at,
    });
  }
  for (const [countyId, societyId, needIds] of PLANNED) {
    const created = await runtime.store.createOffer(
      { season, countyId, townId: `town-${countyId.slice(-1)}`, societyId, needIds, createdAt: at },
      societies.find((s) => s.id === societyId)!.capacityPerSeason,
    );
    expect(created).toBe('created');
  }

  const chain = async (first: string) => {
    let offerId = first;
    for (let tries = 1; ; tries++) {
      expect(tries).toBeLessThanOrEqual(3);
      // The round sends it (SendOfferAndWaitForAnswer stamps offeredAt): only a sent offer is answered.
      await markSent(offerId);
      await pause();
      const roll = rnd();
      let outcome: 'accepted' | 'declined' | 'expired';
      if (roll < 0.2) {
        outcome = 'expired';
      } else {
        const decision = roll < 0.6 ? 'accept' : 'decline';
        // A third of the time both buttons are pressed at once (two devices): exactly one wins.
        const racing = rnd() < 0.33;
        const answers = await Promise.allSettled([
          offers.answerOffer(
            offerId,
            decision,
            `${offerId}-lead`,
            decision === 'decline' ? '人手不足' : undefined,
          ),
          ...(racing
            ? [
                offers.answerOffer(
                  offerId,
                  decision === 'accept' ? 'decline' : 'accept',
                  `${offerId}-deputy`,
                  '撞车',
                ),
              ]
            : []),
        ]);
        const won = answers.filter((a) => a.status === 'fulfilled');
        expect(won).toHaveLength(1);
        for (const lost of answers.filter((a) => a.status === 'rejected')) {
          expect((lost as PromiseRejectedResult).reason).toMatchObject({ name: 'ConflictError' });
          tally.answersRefused++;
        }
        const decided = (won[0] as PromiseFulfilledResult<{ decision?: string }>).value.decision;
        outcome = decided === 'accept' ? 'accepted' : 'declined';
      }
      // The state machine's step, sometimes retried concurrently.
      const payload = { season, offerId, outcome };
      await Promise.all(Array.from({ length: rnd() < 0.3 ? 2 : 1 }, () => recordAnswer(payload, context)));
      if (outcome === 'accepted') return;
      await pause();
      const results = (await Promise.all(
        Array.from({ length: rnd() < 0.3 ? 2 : 1 }, () => findNextSociety({ season, offerId }, context)),
      )) as { nextOfferId: string | null; alert: { reason: string } | null }[];
      expect(new Set(results.map((r) => r.nextOfferId)).size).toBe(1);
      const [result] = results;
      if (result!.alert) tally.alerts++;
      if (!result!.nextOfferId) {
        if (tries === 3) expect(result!.alert?.reason).toBe('tries-exhausted');
        return;
      }
      tally.reassigned++;
      offerId = result!.nextOfferId;
    }
  };
  await Promise.all(PLANNED.map(([countyId, societyId]) => chain(`${season}.${countyId}.${societyId}`)));

  // ---- invariants --------------------------------------------------------------------------
  const items = await runtime.store.seasonItems(season);
  const all = items.offers as ((typeof items.offers)[number] & {
    endedAs?: string;
    replaces?: string;
    attempt?: number;
  })[];
  for (const society of societies) {
    const held = all.filter(
      (o) => o.societyId === society.id && (o.status === 'accepted' || o.status === 'offered'),
    ).length;
    expect(items.capacityUsed[society.id] ?? 0, `${season} capacity of ${society.id}`).toBe(held);
    expect(held, `${season} ${society.id} over capacity`).toBeLessThanOrEqual(society.capacityPerSeason);
    if (held === society.capacityPerSeason) tally.full++;
  }
  expect(all.filter((o) => o.status === 'offered')).toEqual([]);
  for (const visit of items.visits) {
    const collected = visit.questions.flatMap((q) => q.needIds);
    const assigned = all
      .filter((o) => o.countyId === visit.countyId && o.status === 'accepted')
      .flatMap((o) => o.needIds);
    const unassigned = unassignedNeedIdsOf(visit, all);
    expect(new Set(assigned).size, `${season} ${visit.countyId}: a need assigned twice`).toBe(
      assigned.length,
    );
    expect([...assigned, ...unassigned].sort(), `${season} ${visit.countyId}`).toEqual([...collected].sort());

    const log = await runtime.store.visitLog(visit.id);
    const keys = new Set(log.map((e) => `${e.kind}:${e.detail?.societyId}`));
    for (const offer of all.filter((o) => o.countyId === visit.countyId)) {
      const ended = offer.status === 'reassigned' ? offer.endedAs : offer.status;
      const kind = ended === 'expired' ? 'timed-out' : ended;
      expect(keys.has(`${kind}:${offer.societyId}`), `${season} ${offer.id} logged ${kind}`).toBe(true);
      if (offer.status === 'reassigned') {
        const successor = all.find((o) => o.replaces === offer.id);
        expect(successor, `${season} successor of ${offer.id}`).toBeDefined();
        expect(log.some((e) => e.kind === 'reassigned' && e.detail?.fromSocietyId === offer.societyId)).toBe(
          true,
        );
      }
      expect(offer.attempt ?? 1).toBeLessThanOrEqual(3);
    }
    // Append-only and once: no entry twice.
    expect(new Set(log.map((e) => e.key)).size).toBe(log.length);
  }
}

describe('concurrent answers and reassignments', () => {
  it(`keep capacity, assignment and the log right over ${INTERLEAVINGS} randomized interleavings`, async () => {
    const tally: Tally = { answersRefused: 0, reassigned: 0, alerts: 0, full: 0 };
    const seasons = Math.ceil(INTERLEAVINGS / PLANNED.length);
    let next = 0;
    const worker = async () => {
      while (next < seasons) await interleaving(next++, tally);
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));

    // The randomness did reach every path.
    expect(tally.answersRefused).toBeGreaterThan(INTERLEAVINGS / 20);
    expect(tally.reassigned).toBeGreaterThan(INTERLEAVINGS / 5);
    expect(tally.alerts).toBeGreaterThan(INTERLEAVINGS / 20);
    expect(tally.full).toBeGreaterThan(INTERLEAVINGS / 20);
  }, 600_000);
});
