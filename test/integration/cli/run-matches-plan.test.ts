import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DEMO_DATA_DIR } from '#cli/session';
import type { EmbeddedRuntime } from '#local/runtime';
import { Plan } from '#schemas/index';
import { rounds, temporaryDirs } from '#support/rounds-cli';

// `rounds plan` and `rounds run` as a user runs them (separate processes) on one data directory with
// the coordinator's overrides; the round's stored plan is then read back from the run's DATA_DIR.
const SEASON = '2026-Q4';
vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

const temp = temporaryDirs();
const tempDir = temp.make;
let runtime: EmbeddedRuntime | undefined;
afterAll(async () => {
  await runtime?.close();
  temp.removeAll();
});

/**
 * Overrides that change every part of the demo plan: 淳安 locked to 鸠坑乡 (town choice picks 临岐镇), a
 * society the plan uses everywhere excluded for the season, another excluded from 建德, and a
 * society pinned to 临安 that the objective would leave out.
 */
const OVERRIDES = {
  pins: [{ societyId: 'lao-keji', countyId: 'linan', note: '老科协主动请缨' }],
  exclusions: [{ societyId: 'zhongyiyao' }, { societyId: 'tumu-jianzhu', countyId: 'jiande' }],
  townLocks: [{ countyId: 'chunan', townId: 'jiukeng', note: '县里要求' }],
};

/** The contract's fields of a plan's visit, by county. */
function byCounty(visits: readonly Plan['visits'][number][]) {
  return [...visits]
    .map(({ countyId, townId, questions, assignments, unassignedNeedIds }) => ({
      countyId,
      townId,
      questions: questions.map(({ theme, needIds }) => ({ theme, needIds })),
      assignments: assignments.map(({ societyId, needIds }) => ({ societyId, needIds })),
      unassignedNeedIds,
    }))
    .sort((a, b) => (a.countyId < b.countyId ? -1 : 1));
}

describe('rounds run --data DIR with overrides.json', () => {
  it('produces exactly the plan `rounds plan` computes on the same directory', async () => {
    const data = tempDir('overrides-data-');
    for (const file of readdirSync(DEMO_DATA_DIR)) copyFileSync(join(DEMO_DATA_DIR, file), join(data, file));
    writeFileSync(join(data, 'overrides.json'), JSON.stringify(OVERRIDES, null, 2));
    const dataDir = tempDir('overrides-db-');

    const plan = rounds(['plan', '--season', SEASON, '--data', data, '--json'], dataDir, 240_000);
    const run = rounds(['run', '--season', SEASON, '--data', data, '--auto-accept'], dataDir, 240_000);

    expect(plan.stderr).toBe('');
    expect(plan.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${SEASON} 的协调员调整：${join(data, 'overrides.json')}`);
    const planned = Plan.parse(JSON.parse(plan.stdout));
    // The overrides are honoured by the plan itself (else the comparison below proves little).
    expect(planned.visits.find((v) => v.countyId === 'chunan')?.townId).toBe('jiukeng');
    const societies = planned.visits.flatMap((v) => v.assignments.map((a) => a.societyId));
    expect(societies).not.toContain('zhongyiyao');
    expect(societies).toContain('lao-keji');

    runtime = await (await import('#local/runtime')).bootEmbeddedRuntime({ dataDir });
    const { storedPlan } = await import('#services/read-plan');
    const stored = await storedPlan(SEASON);
    expect(stored?.visits.flatMap((v) => v.assignments).every((a) => a.status === 'accepted')).toBe(true);
    expect(byCounty(stored?.visits ?? [])).toEqual(byCounty(planned.visits));
  });
});
