/**
 * Found by fault-injection-paths.test.ts: an offer whose refusal ended in the
 * coordinator's alert (nobody could take its needs) is listed again by the next run, as every refused
 * offer without a successor is, and FindNextSociety decided afresh: a society that had got capacity
 * back since took the needs, so a crash changed the season (a successor the uninterrupted run never
 * made, after the coordinator had been told nobody could). Reproduced on `npm start`'s process: in
 * 临安 (linan) 医学会 declines while 中医药学会, the only other competent society, is full — the alert;
 * then 中医药学会 declines 桐庐 (tonglu), which gives a unit back, and the process is killed as that
 * second alert goes out. After the restart the first refusal must still end in its alert, as it did.
 */
import { afterAll, expect, it } from 'vitest';
import { currentSeason } from '#domain/season';
import { temporaryDirs } from '#support/rounds-cli';
import { type Offer, runSeason, type SeasonScript } from '#support/season-harness';

const dirs = temporaryDirs();
afterAll(() => dirs.removeAll());

type Item = Record<string, unknown> & { type?: string };

it('a refusal that ended in an alert is not handed over again after a crash', async () => {
  const season = currentSeason();
  const local = (offer: Offer) => offer.id.slice(offer.season.length + 1);
  const script: SeasonScript = {
    decide(offer, { items }) {
      if (local(offer) === 'linan.yixue') return 'decline';
      if (local(offer) !== 'tonglu.zhongyiyao') return 'accept';
      const alerted = items.some(
        (i) => i.type === 'message' && i.kind === 'alert' && i.offerId === `${season}.linan.yixue`,
      );
      return alerted ? 'decline' : 'silent';
    },
  };
  const outcome = await runSeason(dirs.make('crash-after-alert-'), season, {
    script,
    faults: ['state:AlertCoordinator:2'],
  });
  expect(outcome.crashes).toEqual(['state:AlertCoordinator:2']);
  const items = [...outcome.items.values()] as Item[];
  const linan = items.filter((i) => i.type === 'offer' && i.season === season && i.countyId === 'linan');
  expect(linan.map((o) => [o.societyId, o.status, o.reassignedTo])).toEqual(
    expect.arrayContaining([['yixue', 'declined', undefined]]),
  );
  expect(linan.map((o) => o.societyId).sort()).toEqual(['xiangcun-zhenxing', 'yixue']);
  const alerts = items.filter((i) => i.type === 'message' && i.kind === 'alert').map((i) => i.offerId);
  expect(alerts.sort()).toEqual([`${season}.linan.yixue`, `${season}.tonglu.zhongyiyao`]);
}, 600_000);
