/**
 * The crash points on the paths the auto-approved season of fault-injection.test.ts
 * never takes (NOT_ON_THE_AUTO_APPROVED_SEASON), each season killed, restarted and compared with its
 * own uninterrupted run exactly as there (test/support/fault-points.ts):
 *
 * - the reviewed season (AUTO_APPROVE=0): nobody approves the plan, so the review times out
 *   (NotifyPlanReady → AwaitPlanApproval → ApprovePlanOnTimeout). In 临安 (linan) 医学会 (yixue)
 *   declines; 中医药学会 (zhongyiyao), the only other society competent for its needs, has no
 *   capacity left (its 淳安 and 桐庐 offers), so the coordinator is alerted. Then zhongyiyao declines
 *   桐庐 (tonglu), which gives a unit back, and the coordinator places one of linan's needs with it
 *   by hand through the API: that offer's own execution ends in IsHandPlacement → HandPlacementDone.
 *   The liaison of linan withdraws its need 未来乡村建设评估咨询 while 乡村振兴学会联合体's offer for it
 *   is waiting, and the society then declines: nothing is left to move (NoNeedsLeftToMove). In 淳安
 *   (chunan) 乡村振兴学会联合体 never answers, which keeps the round open past the placement.
 * - the failed season (FAULT_FAIL=LoadRound, on every start): NameUnknownSeason → RecordRoundFailure
 *   → RoundFailed; npm start says the round failed and keeps serving.
 */
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { currentSeason } from '#domain/season';
import {
  crashPointsOf,
  crashReport,
  NOT_ON_THE_AUTO_APPROVED_SEASON,
  roundStates,
  tryCrashPoints,
} from '#support/fault-points';
import { reviewedSeason } from '#support/reviewed-season';
import { temporaryDirs } from '#support/rounds-cli';
import { normalise, runSeason, type SeasonScript } from '#support/season-harness';

const dirs = temporaryDirs();
afterAll(() => dirs.removeAll());

/** How many crash points one season carries (starts = points + 1), and seasons at a time. */
const CHAIN = 6;
const CONCURRENCY = 2;

const season = currentSeason();

interface Scenario {
  name: string;
  env: Record<string, string>;
  script?: SeasonScript;
  /** The states of NOT_ON_THE_AUTO_APPROVED_SEASON this season is there to enter. */
  enters: string[];
}

const SCENARIOS: Scenario[] = [
  {
    name: 'the reviewed season',
    env: { AUTO_APPROVE: '0', PLAN_APPROVAL_SECONDS: '3' },
    script: reviewedSeason(season),
    enters: [
      'NotifyPlanReady',
      'AwaitPlanApproval',
      'ApprovePlanOnTimeout',
      'HandPlacementDone',
      'NoNeedsLeftToMove',
    ],
  },
  {
    name: 'the failed season',
    env: { FAULT_FAIL: 'LoadRound' },
    enters: ['NameUnknownSeason', 'RecordRoundFailure', 'RoundFailed'],
  },
];

const triedStates = new Map<string, string[]>();

for (const scenario of SCENARIOS) {
  it.runIf(process.env.FAULT_INJECTION === '1')(
    `${scenario.name}, killed at every state and mid-write, resumes to the same table`,
    async () => {
      const run = (dataDir: string, options: { faults?: string[]; trace?: string }) =>
        runSeason(dataDir, season, {
          ...options,
          env: scenario.env,
          ...(scenario.script ? { script: scenario.script } : {}),
        });
      const traceFile = join(dirs.make('fault-trace-'), 'trace.txt');
      const reference = await run(dirs.make('fault-reference-'), { trace: traceFile });
      const expected = normalise(reference.items);

      const { entered, points } = crashPointsOf(traceFile, roundStates());
      expect(entered).toEqual(expect.arrayContaining(scenario.enters));
      const runs = await tryCrashPoints(points, expected, {
        chain: CHAIN,
        concurrency: CONCURRENCY,
        play: (faults) => run(dirs.make('fault-run-'), { faults }),
      });
      triedStates.set(
        scenario.name,
        entered.filter((s) => runs.tried.has(`state:${s}`)),
      );
      console.log(
        [...crashReport(scenario.name, points, runs), `states tried: ${entered.join(', ')}`].join('\n'),
      );
      expect(
        runs.differing.map((r) => ({ chain: r.points, crashes: r.outcome.crashes, diffs: r.diffs })),
      ).toEqual([]);
      expect(runs.results.every((r) => r.outcome.jvmGone)).toBe(true);
      expect(runs.notReached).toEqual([]);
      for (const s of entered) expect(runs.tried.has(`state:${s}`), s).toBe(true);
    },
    3_600_000,
  );
}

it.runIf(process.env.FAULT_INJECTION === '1')(
  'these seasons and the auto-approved one crash at every state of the round',
  () => {
    const states = roundStates();
    const tried = new Set([...triedStates.values()].flat());
    // fault-injection.test.ts tries every state but NOT_ON_THE_AUTO_APPROVED_SEASON (it asserts so).
    const auto = states.filter((s) => !(s in NOT_ON_THE_AUTO_APPROVED_SEASON));
    console.log(
      `states: ${states.length} in the definition; ${auto.length} tried by the auto-approved season, ${tried.size} by these (${[...tried].sort().join(', ')})`,
    );
    expect(states.filter((s) => !auto.includes(s) && !tried.has(s))).toEqual([]);
    // Each state the auto-approved season leaves out is some season's here, on purpose.
    expect(SCENARIOS.flatMap((s) => s.enters).sort()).toEqual(
      Object.keys(NOT_ON_THE_AUTO_APPROVED_SEASON).sort(),
    );
  },
);
