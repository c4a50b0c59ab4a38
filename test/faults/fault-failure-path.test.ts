/**
 * The fault-injection hooks on the round's failure path (local/fault-injection.ts), on `npm start`'s
 * own process: FAULT_FAIL=LoadRound makes LoadRound fail every attempt with an error no Retry names,
 * so the round takes NameUnknownSeason → RecordRoundFailure → RoundFailed, writes its failure entry
 * and npm start says so and keeps serving. FAULT_TRACE lists the states in the order they are
 * entered — a Pass before the Task after it — so that a crash on entering the Pass
 * (fault-injection-paths.test.ts) falls before RecordRoundFailure writes (it came after it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { currentSeason } from '#domain/season';
import { temporaryDirs } from '#support/rounds-cli';
import { runSeason } from '#support/season-harness';

const dirs = temporaryDirs();
afterAll(() => dirs.removeAll());

it('FAULT_FAIL=LoadRound fails the round for good, and the trace has its states in order', async () => {
  const season = currentSeason();
  const trace = join(dirs.make('fault-failure-trace-'), 'trace.txt');
  const outcome = await runSeason(dirs.make('fault-failure-'), season, {
    env: { FAULT_FAIL: 'LoadRound' },
    trace,
  });
  const states = readFileSync(trace, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('state '))
    .map((line) => line.slice('state '.length));
  expect(states).toEqual(['LoadRound', 'NameUnknownSeason', 'RecordRoundFailure', 'RoundFailed']);
  expect(outcome.output).toContain('本轮失败：RoundFailed: FAULT_FAIL=LoadRound');
  expect(outcome.output).toContain('按 Ctrl-C 退出 / press Ctrl-C to stop');
  const failures = [...outcome.items.values()].filter((i) => i.kind === 'failed');
  expect(failures).toEqual([
    expect.objectContaining({ season: 'unknown', error: 'InjectedFailure', sk: `LOG#failed#${season}-1` }),
  ]);
  expect([...outcome.items.values()].some((i) => i.type === 'offer')).toBe(false);
}, 300_000);
