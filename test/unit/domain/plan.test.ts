import { describe, expect, it } from 'vitest';
import { planRound } from '#domain/plan';
import { type DataSet, type Need, Plan, type Society, type Theme, type Urgency } from '#schemas/index';
import { county } from '#support/builders';

function need(
  id: string,
  countyId: string,
  townId: string,
  theme: Theme = 'industry',
  urgency: Urgency = 'normal',
): Need {
  return {
    id,
    countyId,
    townId,
    theme,
    field: 'tea',
    title: `need ${id}`,
    urgency,
    submittedAt: '2026-09-01T09:00:00+08:00',
  };
}

function society(id: string, capacityPerSeason: number, themes: Theme[] = ['industry']): Society {
  return { id, name: { zh: `${id}学会`, en: id }, themes, fields: ['tea'], capacityPerSeason };
}

function dataSet(parts: Partial<DataSet>): DataSet {
  return { counties: [], societies: [], needs: [], visits: [], ...parts };
}

describe('planRound', () => {
  it('plans exactly one visit for every county with towns and none for a county without', () => {
    const data = dataSet({
      counties: [county('chunan', 'a', 'b'), county('empty'), county('jiande', 'c')],
      needs: [need('n1', 'chunan', 'b')],
    });

    const plan = planRound('2026-Q4', data);

    expect(plan.visits.map((visit) => visit.countyId)).toEqual(['chunan', 'jiande']);
  });

  it('chooses each county’s town by town choice, using only that county’s needs and history', () => {
    const data = dataSet({
      counties: [county('chunan', 'a', 'b', 'c'), county('jiande', 'x', 'y')],
      needs: [
        need('n1', 'chunan', 'a'),
        need('n2', 'chunan', 'b'),
        need('n3', 'jiande', 'y', 'talent', 'low'),
      ],
      visits: [{ season: '2026-Q2', countyId: 'chunan', townId: 'a' }],
    });

    const plan = planRound('2026-Q4', data);

    expect(plan.visits.map((visit) => visit.townId)).toEqual(['b', 'y']);
  });

  it('asks the five questions about the chosen town’s needs only', () => {
    const data = dataSet({
      counties: [county('chunan', 'a', 'b')],
      needs: [
        need('n1', 'chunan', 'a', 'advice', 'high'),
        need('n2', 'chunan', 'a', 'talent'),
        need('n3', 'chunan', 'b'),
      ],
    });

    const [visit] = planRound('2026-Q4', data).visits;

    expect(visit?.questions).toEqual([
      { theme: 'talent', needIds: ['n2'] },
      { theme: 'industry', needIds: [] },
      { theme: 'literacy', needIds: [] },
      { theme: 'advice', needIds: ['n1'] },
      { theme: 'grassroots', needIds: [] },
    ]);
  });

  it('shares a society’s capacity across all the season’s visits and reports what is left unassigned', () => {
    const data = dataSet({
      counties: [county('chunan', 'a'), county('jiande', 'b')],
      societies: [society('tea', 1)],
      needs: [need('n1', 'chunan', 'a', 'industry', 'low'), need('n2', 'jiande', 'b', 'industry', 'high')],
    });

    const plan = planRound('2026-Q4', data);

    expect(plan.visits.map((visit) => [visit.assignments, visit.unassignedNeedIds])).toEqual([
      [[], ['n1']],
      [[{ societyId: 'tea', needIds: ['n2'] }], []],
    ]);
  });

  it('produces the `rounds plan --json` contract and leaves its input untouched', () => {
    const data = dataSet({
      counties: [county('chunan', 'a', 'b'), county('jiande', 'c')],
      societies: [society('tea', 2, ['industry', 'talent'])],
      needs: [need('n1', 'chunan', 'a'), need('n2', 'jiande', 'c', 'talent')],
      visits: [{ season: '2026-Q1', countyId: 'jiande', townId: 'c' }],
    });
    const before = structuredClone(data);

    const plan = planRound('2026-Q4', data);

    expect(Plan.parse(plan)).toEqual(plan);
    expect(plan.season).toBe('2026-Q4');
    expect(data).toEqual(before);
  });
});
