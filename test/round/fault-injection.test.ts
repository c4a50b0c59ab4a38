/**
 * Issue 12, item 1: the fault-injection harness. A whole season on `npm start`'s process (plan,
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
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { afterAll, expect, it } from 'vitest';
import { currentSeason } from '../../domain/season.ts';
import { allStates, stateMachineOf, synthRounds } from '../infra/template-helpers.ts';
import { temporaryDirs } from '../support/rounds-cli.ts';
import { differences, normalise, runSeason, type SeasonOutcome } from '../support/season-harness.ts';

const dirs = temporaryDirs();
afterAll(() => dirs.removeAll());

/** States a season that succeeds never enters, and why. */
const NOT_ON_A_SEASON_PATH: Record<string, string> = {
  NameUnknownSeason: 'failure path: LoadRound failed',
  RecordRoundFailure: 'failure path: a step failed for good',
  RoundFailed: 'failure path: the execution fails',
  NotifyPlanReady: 'the plan review: this season is approved automatically (npm start’s default)',
  AwaitPlanApproval: 'the plan review: this season is approved automatically (npm start’s default)',
  ApprovePlanOnTimeout: 'the plan review: this season is approved automatically (npm start’s default)',
  HandPlacementDone: 'a hand placement’s own execution, not the season’s',
  NoNeedsLeftToMove: 'a refused offer whose needs were all resolved meanwhile (reports come after the round)',
};
/** How many crash points one season carries (starts = points + 1). */
const CHAIN = 5;
const CONCURRENCY = 3;
/** A step with more writes than this is cut at a sample of them: the first two, the middle, the last two. */
const ALL_WRITES_UP_TO = 6;

function writePointsOf(functionId: string, writes: number): string[] {
  const ks =
    writes <= ALL_WRITES_UP_TO
      ? Array.from({ length: writes }, (_, i) => i + 1)
      : [...new Set([1, 2, Math.ceil(writes / 2), writes - 1, writes])];
  return ks.map((k) => `${functionId}:${k}`);
}

// Minutes of seasons, most of it waiting: `npm test` runs it (`npm run test:faults`) after the rest of
// the suite, so that no other test's load delays the teams' answers past an offer's timeout.
it.runIf(process.env.FAULT_INJECTION === '1')(
  'a season killed at every state and mid-write resumes to the same table',
  async () => {
    const season = currentSeason();
    const traceFile = join(dirs.make('fault-trace-'), 'trace.txt');
    const reference = await runSeason(dirs.make('fault-reference-'), season, { trace: traceFile });
    const expected = normalise(reference.items);
    const trace = readFileSync(traceFile, 'utf8').trim().split('\n');

    // ---- the crash points ------------------------------------------------------------------------
    const { definition } = stateMachineOf(synthRounds().json);
    const states = Object.keys(allStates(definition)).sort();
    const position = new Map<string, number>();
    const writes = new Map<string, number>();
    trace.forEach((line, i) => {
      const [kind, name, k] = line.split(' ') as [string, string, string | undefined];
      const point = kind === 'state' ? `state:${name}` : `${name}:${k}`;
      if (!position.has(point)) position.set(point, i);
      if (kind === 'write') writes.set(name, Math.max(writes.get(name) ?? 0, Number(k)));
    });
    const entered = states.filter((s) => position.has(`state:${s}`));
    expect(states.filter((s) => !entered.includes(s)).sort()).toEqual(
      Object.keys(NOT_ON_A_SEASON_PATH).sort(),
    );
    const points = [
      ...entered.map((s) => `state:${s}`),
      ...[...writes].flatMap(([functionId, n]) => writePointsOf(functionId, n)),
    ].sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));

    // Chains in the season's order: each start dies at its point, the restart goes on to the next
    // (planning is redone until the plan is stored, so planning points chain too).
    const chainCount = Math.ceil(points.length / CHAIN);
    const chains: string[][] = Array.from({ length: chainCount }, () => []);
    points.forEach((p, i) => {
      chains[i % chainCount]?.push(p);
    });

    // ---- the runs --------------------------------------------------------------------------------
    const results: { points: string[]; outcome: SeasonOutcome; diffs: string[] }[] = [];
    const play = async (chain: string[]) => {
      try {
        const outcome = await runSeason(dirs.make('fault-run-'), season, { faults: chain });
        const diffs = differences(expected, normalise(outcome.items));
        // What the round said when it went wrong: failed steps and failures.
        const said = outcome.output.split('\n').filter((l) => /✗|失败|failed|error/i.test(l));
        results.push({ points: chain, outcome, diffs: diffs.length ? [...diffs, ...said.slice(-20)] : [] });
      } catch (error) {
        // A season that could not be finished is a difference too.
        const outcome = { crashes: [] as string[], jvmGone: true, starts: 0, items: new Map(), output: '' };
        results.push({
          points: chain,
          outcome,
          diffs: [`not finished: ${(error as Error).message.slice(0, 2000)}`],
        });
      }
    };
    const limit = pLimit(CONCURRENCY);
    await Promise.all(chains.map((chain) => limit(() => play(chain))));
    const reached = new Set(results.flatMap((r) => r.outcome.crashes));
    const missed = points.filter((p) => !reached.has(p));
    await Promise.all(missed.map((p) => limit(() => play([p]))));

    const tried = new Set(results.flatMap((r) => r.outcome.crashes));
    const notReached = points.filter((p) => !tried.has(p));
    const differing = results.filter((r) => r.diffs.length > 0);
    console.log(
      [
        `crash points: ${points.length} planned, ${tried.size} crashed at (${results.reduce((n, r) => n + r.outcome.crashes.length, 0)} kills in ${results.length} seasons), not reached: ${notReached.join(', ') || 'none'}`,
        `states tried: ${entered.length} of ${states.length} (not on a season's path: ${Object.keys(NOT_ON_A_SEASON_PATH).join(', ')})`,
        `seasons differing from the uninterrupted one: ${differing.length}`,
        ...differing.flatMap((r) => [
          `  after ${r.outcome.crashes.join(' → ')}:`,
          ...r.diffs.map((d) => `    ${d}`),
        ]),
      ].join('\n'),
    );
    expect(differing.map((r) => ({ chain: r.points, crashes: r.outcome.crashes, diffs: r.diffs }))).toEqual(
      [],
    );
    expect(results.every((r) => r.outcome.jvmGone)).toBe(true);
    expect(notReached).toEqual([]);
    for (const s of entered) expect(tried.has(`state:${s}`)).toBe(true);
  },
  3_600_000,
);
