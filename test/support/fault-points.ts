import { readFileSync } from 'node:fs';
import pLimit from 'p-limit';
import { differences, normalise, type SeasonOutcome } from './season-harness.ts';
import { allStates, stateMachineOf, synthRounds } from './template.ts';

/**
 * The fault-injection harness's crash points and how they are tried (test/round/fault-injection*.test.ts):
 * the points come from an uninterrupted season's FAULT_TRACE, one season carries several of them
 * in turn (a chain), and each interrupted season's table is compared with the uninterrupted one's.
 */

/**
 * The states the auto-approved season (fault-injection.test.ts) never enters, and why; the seasons of
 * fault-injection-paths.test.ts enter each of them.
 */
export const NOT_ON_THE_AUTO_APPROVED_SEASON: Record<string, string> = {
  NameUnknownSeason: 'failure path: LoadRound failed',
  RecordRoundFailure: 'failure path: a step failed for good',
  RoundFailed: 'failure path: the execution fails',
  NotifyPlanReady: 'the plan review: this season is approved automatically (npm start’s default)',
  AwaitPlanApproval: 'the plan review: this season is approved automatically (npm start’s default)',
  ApprovePlanOnTimeout: 'the plan review: this season is approved automatically (npm start’s default)',
  HandPlacementDone: 'a hand placement’s own execution, not the season’s',
  NoNeedsLeftToMove: 'a refused offer whose needs were all resolved meanwhile (reports come after the round)',
};

/** A step with more writes than this is cut at a sample of them: the first two, the middle, the last two. */
const ALL_WRITES_UP_TO = 6;

/**
 * The dispatcher's writes after its first half depend on when it runs (a reminder the answer
 * cancelled first is never claimed), so a rerun may not reach them: its sample stops at the middle.
 */
const TIMING_DEPENDENT_WRITES = new Set(['DispatchOutbox']);

function writePointsOf(functionId: string, writes: number): string[] {
  const ks =
    writes <= ALL_WRITES_UP_TO
      ? Array.from({ length: writes }, (_, i) => i + 1)
      : TIMING_DEPENDENT_WRITES.has(functionId)
        ? [1, 2, Math.ceil(writes / 2)]
        : [...new Set([1, 2, Math.ceil(writes / 2), writes - 1, writes])];
  return ks.map((k) => `${functionId}:${k}`);
}

/** Every state of the synthesized round state machine, sorted. */
export function roundStates(): string[] {
  const { definition } = stateMachineOf(synthRounds().json);
  return Object.keys(allStates(definition)).sort();
}

export interface CrashPoints {
  /** The states of the definition the run entered. */
  entered: string[];
  /** `state:<State>` for each state entered and `<FunctionId>:<k>` for the writes, in the run's order. */
  points: string[];
}

/** The crash points of a run, from its FAULT_TRACE file. */
export function crashPointsOf(traceFile: string, states: readonly string[]): CrashPoints {
  const trace = readFileSync(traceFile, 'utf8').trim().split('\n');
  const position = new Map<string, number>();
  const writes = new Map<string, number>();
  trace.forEach((line, i) => {
    const [kind, name, k] = line.split(' ') as [string, string, string | undefined];
    const point = kind === 'state' ? `state:${name}` : `${name}:${k}`;
    if (!position.has(point)) position.set(point, i);
    if (kind === 'write') writes.set(name, Math.max(writes.get(name) ?? 0, Number(k)));
  });
  const entered = states.filter((s) => position.has(`state:${s}`));
  const points = [
    ...entered.map((s) => `state:${s}`),
    ...[...writes].flatMap(([functionId, n]) => writePointsOf(functionId, n)),
  ].sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
  return { entered, points };
}

export interface ChainResult {
  points: string[];
  outcome: SeasonOutcome;
  diffs: string[];
}

export interface CrashRuns {
  results: ChainResult[];
  /** Points a start died at. */
  tried: Set<string>;
  notReached: string[];
  differing: ChainResult[];
  kills: number;
}

/**
 * Tries the points in chains of `chain` (in the season's order, interleaved: each start dies at its
 * point, the restart goes on to the next), `concurrency` seasons at a time; a point a chain did not
 * reach (an earlier point of it went past) is tried again alone.
 */
export async function tryCrashPoints(
  points: readonly string[],
  expected: Map<string, unknown>,
  options: { chain: number; concurrency: number; play: (faults: string[]) => Promise<SeasonOutcome> },
): Promise<CrashRuns> {
  const chainCount = Math.ceil(points.length / options.chain);
  const chains: string[][] = Array.from({ length: chainCount }, () => []);
  points.forEach((p, i) => {
    chains[i % chainCount]?.push(p);
  });
  const results: ChainResult[] = [];
  const play = async (chain: string[]) => {
    try {
      const outcome = await options.play(chain);
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
  const limit = pLimit(options.concurrency);
  await Promise.all(chains.map((chain) => limit(() => play(chain))));
  const reached = new Set(results.flatMap((r) => r.outcome.crashes));
  const missed = points.filter((p) => !reached.has(p));
  await Promise.all(missed.map((p) => limit(() => play([p]))));

  const tried = new Set(results.flatMap((r) => r.outcome.crashes));
  return {
    results,
    tried,
    notReached: points.filter((p) => !tried.has(p)),
    differing: results.filter((r) => r.diffs.length > 0),
    kills: results.reduce((n, r) => n + r.outcome.crashes.length, 0),
  };
}

/** The figures of a scenario's runs and the differences found, as lines for the test's output. */
export function crashReport(name: string, points: readonly string[], runs: CrashRuns): string[] {
  return [
    `${name} — crash points: ${points.length} planned, ${runs.tried.size} crashed at (${runs.kills} kills in ${runs.results.length} seasons), not reached: ${runs.notReached.join(', ') || 'none'}`,
    `seasons differing from the uninterrupted one: ${runs.differing.length}`,
    ...runs.differing.flatMap((r) => [
      `  after ${r.outcome.crashes.join(' → ')}:`,
      ...r.diffs.map((d) => `    ${d}`),
    ]),
  ];
}
