/**
 * Declining an offer and killing `npm start` 40 ms later left it
 * `declined` with no successor and no alert, and a kill mid-acceptance lost the `accepted` log entry.
 * Reproduced deterministically with the crash hook (local/fault-injection.ts) on `npm start`'s own
 * process and DATA_DIR, with the teams answering through the API (test/support/season-harness.ts):
 * killed on entering FindNextSociety (the answer recorded, the hand-over not begun), then killed right
 * after the first write of RecordAnswer; restarted each time. Every refused offer must still reach a
 * successor or the coordinator's alert, and every answer its log entry. Found later by the harness:
 * killed right after the first write of RecordPlanApproval, the plan was approved and the round log
 * never said so (the re-run skips an approved plan's approval); the season starts with that crash.
 */
import { afterAll, expect, it } from 'vitest';
import { currentSeason } from '#domain/season';
import { temporaryDirs } from '#support/rounds-cli';
import { runSeason } from '#support/season-harness';

const dirs = temporaryDirs();
afterAll(() => dirs.removeAll());

type Item = Record<string, unknown> & { type?: string };

it('a refused offer is carried on and every answer is logged, though the process died in between', async () => {
  const season = currentSeason();
  const outcome = await runSeason(dirs.make('crash-hand-over-'), season, {
    faults: ['RecordPlanApproval:1', 'state:FindNextSociety', 'RecordAnswer:1'],
  });
  expect(outcome.crashes).toEqual(['RecordPlanApproval:1', 'state:FindNextSociety', 'RecordAnswer:1']);
  expect(outcome.jvmGone).toBe(true);

  const items = [...outcome.items.values()] as Item[];
  expect(
    outcome.items.get(`SEASON#${season}|LOG#plan-approved`),
    'the approval in the round log',
  ).toMatchObject({
    kind: 'plan-approved',
    by: 'auto-approve',
  });
  const offers = items.filter((i) => i.type === 'offer' && i.season === season);
  const logs = new Set(items.filter((i) => i.type === 'log').map((i) => `${i.visitId} ${i.key}`));
  const alerts = new Set(
    items.filter((i) => i.type === 'message' && i.kind === 'alert').map((i) => i.offerId),
  );

  const refused = offers.filter((o) => ['declined', 'expired', 'reassigned'].includes(String(o.status)));
  expect(refused.length).toBeGreaterThanOrEqual(3);
  const notCarriedOn = refused
    .filter((o) => !(o.status === 'reassigned' && o.reassignedTo) && !alerts.has(o.id))
    .map((o) => `${o.id} (${o.status})`);
  expect(notCarriedOn, 'refused offers with neither a successor nor an alert').toEqual([]);

  const kind = { accepted: 'accepted', declined: 'declined', expired: 'timed-out' } as Record<string, string>;
  const unlogged = offers
    .map((o) => ({ o, ended: String(o.status === 'reassigned' ? o.endedAs : o.status) }))
    .filter(({ ended }) => ended in kind)
    .filter(({ o, ended }) => !logs.has(`${o.visitId} ${kind[ended]}#${o.societyId}`))
    .map(({ o, ended }) => `${o.id} ${ended}`);
  expect(unlogged, 'answers without their log entry').toEqual([]);
  const reassignedUnlogged = refused
    .filter((o) => o.status === 'reassigned' && !logs.has(`${o.visitId} reassigned#${o.societyId}`))
    .map((o) => o.id);
  expect(reassignedUnlogged, 'reassignments without their log entry').toEqual([]);
}, 600_000);
