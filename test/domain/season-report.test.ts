import { describe, expect, it } from 'vitest';
import { seasonReport, seasonReportCsv } from '../../domain/season-report.ts';

const visits = [
  {
    countyId: 'tonglu',
    townId: 'fenshui',
    questions: [{ needIds: ['n3'] }, { needIds: [] }],
    unassignedNeedIds: ['n3'],
  },
  {
    countyId: 'chunan',
    townId: 'fenkou',
    questions: [{ needIds: ['n1', 'n2'] }, { needIds: [] }],
    unassignedNeedIds: [],
  },
];

describe('season report', () => {
  it('counts collected, assigned and unassigned needs per county and in total', () => {
    const report = seasonReport(
      '2026-Q4',
      visits,
      [
        { countyId: 'chunan', needIds: ['n1'], status: 'accepted' },
        { countyId: 'chunan', needIds: ['n2'], status: 'declined' },
      ],
      [],
    );

    expect(report.counties.map((c) => c.countyId)).toEqual(['chunan', 'tonglu']);
    expect(report.counties[0]).toMatchObject({
      collected: 2,
      assigned: 1,
      unassigned: 1,
      visited: 0,
      handled: 0,
      carriedOver: 2,
    });
    expect(report.total).toEqual({
      collected: 3,
      assigned: 1,
      unassigned: 2,
      visited: 0,
      handled: 0,
      cooperations: 0,
      carriedOver: 3,
    });
  });

  it('counts only resolved outcomes as handled and carries the rest over', () => {
    const report = seasonReport(
      '2026-Q4',
      visits,
      [],
      [
        {
          countyId: 'chunan',
          outcomes: [
            { needId: 'n1', outcome: 'resolved' },
            { needId: 'n2', outcome: 'partial' },
          ],
          cooperations: [{ title: '水稻种植合作' }],
        },
      ],
    );

    expect(report.counties[0]).toMatchObject({ visited: 1, handled: 1, cooperations: 1, carriedOver: 1 });
    expect(report.total).toMatchObject({ visited: 1, handled: 1, cooperations: 1, carriedOver: 2 });
  });

  it('writes CSV with a byte-order mark, Chinese headers and a total row', () => {
    const csv = seasonReportCsv(seasonReport('2026-Q4', visits, [], []), (c, t) => [`${c}县`, `${t}镇`]);

    const lines = csv.replace('\uFEFF', '').trimEnd().split('\r\n');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(lines[0]).toBe('县（市、区）,走访乡镇,收集需求,已分派,未分派,已走访,已办结,达成合作,结转下季');
    expect(lines[1]).toBe('chunan县,fenkou镇,2,0,2,0,0,0,2');
    expect(lines.at(-1)).toBe('合计,,3,0,3,0,0,0,3');
  });
});
