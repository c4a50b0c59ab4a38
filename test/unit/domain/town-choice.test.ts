import { describe, expect, it } from 'vitest';
import { chooseTown, RECENT_VISIT_WINDOW, rankTowns, type TownChoiceInput } from '#domain/town-choice';
import { TownRankingRow, type Urgency } from '#schemas/index';

const SEASON = '2026-Q4';

function towns(...ids: string[]) {
  return ids.map((id) => ({ id }));
}

function need(townId: string, urgency: Urgency = 'normal') {
  return { townId, urgency };
}

function visit(townId: string, season: string) {
  return { townId, season };
}

function choose(input: Partial<TownChoiceInput> & Pick<TownChoiceInput, 'towns'>) {
  return chooseTown({ season: SEASON, openNeeds: [], history: [], ...input })?.townId;
}

describe('town choice', () => {
  it('prefers a town with open needs over one without, even one visited last season', () => {
    const chosen = choose({
      towns: towns('a-quiet', 'b-needy'),
      openNeeds: [need('b-needy', 'low')],
      history: [visit('b-needy', '2026-Q3')],
    });

    expect(chosen).toBe('b-needy');
  });

  it('treats a visit 4 seasons ago as recent and one 5 seasons ago as not', () => {
    const input = {
      season: SEASON,
      towns: towns('a-four-ago', 'b-five-ago'),
      openNeeds: [need('a-four-ago'), need('b-five-ago')],
      history: [visit('a-four-ago', '2025-Q4'), visit('b-five-ago', '2025-Q3')],
    };

    const ranking = rankTowns(input);

    expect(RECENT_VISIT_WINDOW).toBe(4);
    expect(ranking.map((row) => [row.townId, row.visitedRecently])).toEqual([
      ['b-five-ago', false],
      ['a-four-ago', true],
    ]);
  });

  it('treats a visit last season as recent', () => {
    const [row] = rankTowns({
      season: SEASON,
      towns: towns('a'),
      openNeeds: [],
      history: [visit('a', '2026-Q3')],
    });

    expect(row?.visitedRecently).toBe(true);
    expect(row?.seasonsSinceLastVisit).toBe(1);
  });

  it('prefers a town not visited recently over one with more urgent needs that was', () => {
    const chosen = choose({
      towns: towns('a-recent', 'b-rested'),
      openNeeds: [need('a-recent', 'high'), need('a-recent', 'high'), need('b-rested', 'low')],
      history: [visit('a-recent', '2026-Q1')],
    });

    expect(chosen).toBe('b-rested');
  });

  it('prefers the higher summed urgency weight, not the higher need count', () => {
    const chosen = choose({
      towns: towns('a-one-high', 'b-two-normal', 'c-three-low'),
      openNeeds: [
        need('a-one-high', 'high'),
        need('b-two-normal', 'normal'),
        need('b-two-normal', 'normal'),
        need('c-three-low', 'low'),
        need('c-three-low', 'low'),
        need('c-three-low', 'low'),
      ],
    });

    expect(chosen).toBe('b-two-normal');
  });

  it('prefers the town whose last visit is longest ago when weights are equal', () => {
    const chosen = choose({
      towns: towns('a-six-ago', 'b-eight-ago'),
      openNeeds: [need('a-six-ago'), need('b-eight-ago')],
      history: [visit('a-six-ago', '2025-Q2'), visit('b-eight-ago', '2024-Q4')],
    });

    expect(chosen).toBe('b-eight-ago');
  });

  it('counts a town never visited as longest since its last visit', () => {
    const chosen = choose({
      towns: towns('a-long-ago', 'b-never'),
      openNeeds: [need('a-long-ago'), need('b-never')],
      history: [visit('a-long-ago', '2000-Q1')],
    });

    expect(chosen).toBe('b-never');
  });

  it('falls back to id order when everything else is equal', () => {
    const chosen = choose({ towns: towns('c', 'a', 'b'), openNeeds: [need('c'), need('b'), need('a')] });

    expect(chosen).toBe('a');
  });

  it('still chooses a town when no town has open needs', () => {
    const chosen = choose({
      towns: towns('a-recent', 'b-old', 'c-never'),
      history: [visit('a-recent', '2026-Q2'), visit('b-old', '2024-Q1')],
    });

    expect(chosen).toBe('c-never');
  });

  it('ignores history at or after the planned season', () => {
    const [row] = rankTowns({
      season: SEASON,
      towns: towns('a'),
      openNeeds: [],
      history: [visit('a', '2026-Q4'), visit('a', '2027-Q2')],
    });

    expect(row).toMatchObject({
      lastVisitedSeason: null,
      seasonsSinceLastVisit: null,
      visitedRecently: false,
    });
  });

  it('uses the most recent visit before the season when a town was visited several times', () => {
    const [row] = rankTowns({
      season: SEASON,
      towns: towns('a'),
      openNeeds: [],
      history: [visit('a', '2023-Q1'), visit('a', '2025-Q1'), visit('a', '2024-Q3')],
    });

    expect(row).toMatchObject({
      lastVisitedSeason: '2025-Q1',
      seasonsSinceLastVisit: 7,
      visitedRecently: false,
    });
  });

  it('reports counts and weights in the TownRankingRow shape', () => {
    const ranking = rankTowns({
      season: SEASON,
      towns: towns('a', 'b'),
      openNeeds: [need('a', 'high'), need('a', 'low')],
      history: [visit('b', '2026-Q2')],
    });

    expect(ranking).toEqual([
      {
        townId: 'a',
        openNeedCount: 2,
        urgencyWeight: 4,
        lastVisitedSeason: null,
        seasonsSinceLastVisit: null,
        visitedRecently: false,
      },
      {
        townId: 'b',
        openNeedCount: 0,
        urgencyWeight: 0,
        lastVisitedSeason: '2026-Q2',
        seasonsSinceLastVisit: 2,
        visitedRecently: true,
      },
    ]);
    for (const row of ranking) expect(TownRankingRow.parse(row)).toEqual(row);
  });

  it('chooses nothing for a county without towns', () => {
    expect(chooseTown({ season: SEASON, towns: [], openNeeds: [], history: [] })).toBeUndefined();
  });
});
