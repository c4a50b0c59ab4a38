/**
 * Found by fault-injection-paths.test.ts: a hand placement (POST
 * /seasons/{season}/needs/{needId}/assign) whose process died right after its offer was written
 * left that offer without its `placed#…` visit-log entry and without its audit entry; the
 * coordinator's retry found the offer and only started its execution. Reproduced on `npm start`'s
 * process with the crash hook (local/fault-injection.ts) in the reviewed season's script
 * (test/support/reviewed-season.ts): killed after the first write of PlaceNeed, restarted, the
 * request sent again. The placement, its log entry and its audit entry must all be there, once.
 */
import { afterAll, expect, it } from 'vitest';
import { currentSeason } from '#domain/season';
import { reviewedSeason } from '#support/reviewed-season';
import { temporaryDirs } from '#support/rounds-cli';
import { runSeason } from '#support/season-harness';

const dirs = temporaryDirs();
afterAll(() => dirs.removeAll());

type Item = Record<string, unknown> & { type?: string };

it('a hand placement whose process died after its offer was written keeps its log and audit entries', async () => {
  const season = currentSeason();
  const outcome = await runSeason(dirs.make('crash-hand-placement-'), season, {
    env: { AUTO_APPROVE: '0', PLAN_APPROVAL_SECONDS: '3' },
    script: reviewedSeason(season),
    faults: ['PlaceNeed:1'],
  });
  expect(outcome.crashes).toEqual(['PlaceNeed:1']);
  const items = [...outcome.items.values()] as Item[];
  const placed = items.filter((i) => i.type === 'offer' && i.season === season && i.placedBy);
  expect(placed.map((o) => [o.id, o.needIds, o.status])).toEqual([
    [`${season}.linan.zhongyiyao`, ['need-linan-008'], 'accepted'],
  ]);
  const logs = items.filter((i) => i.type === 'log' && String(i.key).startsWith('placed#'));
  expect(logs.map((l) => [l.visitId, l.key])).toEqual([
    [`${season}.linan`, 'placed#need-linan-008#zhongyiyao'],
  ]);
  const audits = items.filter((i) => i.type === 'audit' && i.action === 'need.assign');
  expect(audits.map((a) => [a.target, a.after])).toEqual([
    [
      { kind: 'need', id: 'need-linan-008' },
      { societyId: 'zhongyiyao', offerId: `${season}.linan.zhongyiyao` },
    ],
  ]);
}, 600_000);
