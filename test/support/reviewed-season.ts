import type { Offer, SeasonScript } from './season-harness.ts';

const COORDINATOR = { role: 'coordinator', sub: 'coordinator' } as const;
const LIAISON_OF_LINAN = { role: 'liaison', county: 'linan', sub: 'liaison-of-linan' } as const;
const WITHDRAWN_NEED = 'need-linan-010';
const local = (offer: Offer) => offer.id.slice(offer.season.length + 1);

/**
 * The reviewed season's script (test/faults/fault-injection-paths.test.ts has the story): 临安 (linan)
 * 医学会 declines and nobody has capacity for its needs (the coordinator is alerted); once that alert
 * is out, 中医药学会 declines 桐庐 (tonglu), and the coordinator places one of linan's needs with it
 * by hand; linan's liaison withdraws need-linan-010 while its offer waits, and that offer is then
 * declined; 淳安 (chunan) 乡村振兴学会联合体 never answers; every other offer is accepted.
 */
export function reviewedSeason(season: string): SeasonScript {
  return {
    decide(offer, { items }) {
      switch (local(offer)) {
        case 'linan.yixue':
          return 'decline';
        // Only once the coordinator was told that nobody could take linan's needs.
        case 'tonglu.zhongyiyao':
          return items.some(
            (i) => i.type === 'message' && i.kind === 'alert' && i.offerId === `${season}.linan.yixue`,
          )
            ? 'decline'
            : 'silent';
        case 'linan.xiangcun-zhenxing':
          return items.some((i) => i.type === 'need' && i.id === WITHDRAWN_NEED && i.status === 'withdrawn')
            ? 'decline'
            : 'silent';
        case 'chunan.xiangcun-zhenxing':
          return 'silent';
        default:
          return 'accept';
      }
    },
    async act({ items, offers }, call) {
      const waiting = offers.find((o) => local(o) === 'linan.xiangcun-zhenxing');
      const need = items.find((i) => i.type === 'need' && i.id === WITHDRAWN_NEED);
      if (waiting?.status === 'offered' && waiting.taskToken && need?.status === 'open')
        await call(LIAISON_OF_LINAN, 'POST', `/needs/${WITHDRAWN_NEED}/withdraw`, {
          reason: '村里已自行解决 / the village solved it itself',
        });
      // Once zhongyiyao's tonglu decline gave a unit of its capacity back: place a linan need with it.
      const freed = offers.some((o) => local(o) === 'tonglu.zhongyiyao' && o.status !== 'offered');
      if (!freed || offers.some((o) => local(o) === 'linan.zhongyiyao')) return;
      const { body } = await call(COORDINATOR, 'GET', `/seasons/${season}/unassigned`);
      const [first] = (
        body as { items: { needId: string; countyId: string; candidates: { societyId: string }[] }[] }
      ).items
        .filter((i) => i.countyId === 'linan' && i.candidates.length > 0)
        .sort((a, b) => a.needId.localeCompare(b.needId));
      if (first?.candidates[0])
        await call(COORDINATOR, 'POST', `/seasons/${season}/needs/${first.needId}/assign`, {
          societyId: first.candidates[0].societyId,
        });
    },
  };
}
