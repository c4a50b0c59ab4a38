/**
 * The fault-injection harness. A whole season on `npm start`'s process (plan,
 * offers, two declines — one moved to another society, one ending in the coordinator's alert — a
 * timeout moved on, acceptances, visit reports; test/support/season-harness.ts) is killed with
 * SIGKILL, the process and its DynamoDB Local JVM (local/fault-injection.ts), at every state of the
 * round it passes and after the writes of every multi-write step, restarted on the same DATA_DIR
 * (npm start's own resume), and played on to the end. The table must then equal, item for item,
 * that of an uninterrupted season (normalised only as `normalise` says: instants, task tokens,
 * Step Functions' own items, message delivery).
 *
 * The crash points come from the run itself: the uninterrupted season runs with FAULT_TRACE, which
 * lists each state entered and each acknowledged write of each function invocation. Every state of
 * the synthesized definition is tried, except the failure path (not on a season that succeeds).
 * To keep the time bounded, one season carries several crash points in turn (a chain: the first
 * start dies at the first point, its restart at the second…), chains run two at a time, and a point
 * a chain did not reach (an earlier point of it went past) is tried again alone.
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
import { temporaryDirs } from '#support/rounds-cli';
import { normalise, runSeason } from '#support/season-harness';

const dirs = temporaryDirs();
afterAll(() => dirs.removeAll());

/** How many crash points one season carries (starts = points + 1). */
const CHAIN = 5;
const CONCURRENCY = 3;
// Minutes of seasons, most of it waiting: `npm test` runs it (`npm run test:faults`) after the rest of
// the suite, so that no other test's load delays the teams' answers past an offer's timeout.
it.runIf(process.env.FAULT_INJECTION === '1')(
  'a season killed at every state and mid-write resumes to the same table',
  async () => {
    const season = currentSeason();
    const traceFile = join(dirs.make('fault-trace-'), 'trace.txt');
    const reference = await runSeason(dirs.make('fault-reference-'), season, { trace: traceFile });
    const expected = normalise(reference.items);

    // ---- the crash points, and the runs --------------------------------------------------------------
    const states = roundStates();
    const { entered, points } = crashPointsOf(traceFile, states);
    expect(states.filter((s) => !entered.includes(s)).sort()).toEqual(
      Object.keys(NOT_ON_THE_AUTO_APPROVED_SEASON).sort(),
    );
    const runs = await tryCrashPoints(points, expected, {
      chain: CHAIN,
      concurrency: CONCURRENCY,
      play: (faults) => runSeason(dirs.make('fault-run-'), season, { faults }),
    });
    console.log(
      [
        ...crashReport('the auto-approved season', points, runs),
        `states tried: ${entered.length} of ${states.length} (not on this season's path, tried by fault-injection-paths.test.ts: ${Object.keys(NOT_ON_THE_AUTO_APPROVED_SEASON).join(', ')})`,
      ].join('\n'),
    );
    expect(
      runs.differing.map((r) => ({ chain: r.points, crashes: r.outcome.crashes, diffs: r.diffs })),
    ).toEqual([]);
    expect(runs.results.every((r) => r.outcome.jvmGone)).toBe(true);
    expect(runs.notReached).toEqual([]);
    for (const s of entered) expect(runs.tried.has(`state:${s}`)).toBe(true);
  },
  3_600_000,
);
