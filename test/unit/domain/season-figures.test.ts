/** The season's figures (season report figures, docs/rules.md), one function for every surface. No I/O. */
import { describe, expect, it } from 'vitest';
import { seasonFigures } from '#domain/season-figures';
import { seasonReportCsv } from '#domain/season-report';

const visits = [
  { countyId: 'tonglu', townId: 'fenshui', questions: [{ needIds: ['n3'] }, { needIds: [] }] },
  { countyId: 'chunan', townId: 'fenkou', questions: [{ needIds: ['n1', 'n2'] }, { needIds: [] }] },
];
const input = {
  season: '2026-Q4',
  visits,
  offers: [] as Parameters<typeof seasonFigures>[0]['offers'],
  reports: [] as Parameters<typeof seasonFigures>[0]['reports'],
  submitted: [] as Parameters<typeof seasonFigures>[0]['submitted'],
};

describe('season figures', () => {
  it('counts as collected every need submitted in the county that season, in any town, beside the needs on the visit', () => {
    // n1 was submitted last season (it is on the visit, not collected this season); n7 and n8 were
    // submitted this season in towns that are not visited; n2 this season on the visit.
    const report = seasonFigures({
      ...input,
      submitted: [
        { id: 'n2', countyId: 'chunan' },
        { id: 'n7', countyId: 'chunan' },
        { id: 'n8', countyId: 'chunan' },
        { id: 'n9', countyId: 'linan' },
      ],
    });

    expect(report.counties.map((c) => c.countyId)).toEqual(['chunan', 'linan', 'tonglu']);
    expect(report.counties[0]).toMatchObject({ collected: 3, onVisit: 2 });
    // A county with needs but no visit (yet) still has its collected needs.
    expect(report.counties[1]).toMatchObject({ countyId: 'linan', townId: null, collected: 1, onVisit: 0 });
    expect(report.total).toMatchObject({ collected: 4, onVisit: 3 });
  });

  it('counts assigned and unassigned among the needs on the visit', () => {
    const report = seasonFigures({
      ...input,
      offers: [
        { countyId: 'chunan', needIds: ['n1'], status: 'accepted' },
        { countyId: 'chunan', needIds: ['n2'], status: 'declined' },
      ],
    });

    expect(report.counties[0]).toMatchObject({
      countyId: 'chunan',
      onVisit: 2,
      assigned: 1,
      unassigned: 1,
      visited: 0,
      handled: 0,
      carriedOver: 2,
    });
    expect(report.total).toEqual({
      collected: 0,
      onVisit: 3,
      assigned: 1,
      unassigned: 2,
      visited: 0,
      handled: 0,
      cooperations: 0,
      carriedOver: 3,
    });
  });

  it('counts a visited town once however many needs and reports it has, resolved outcomes as handled', () => {
    const report = seasonFigures({
      ...input,
      offers: [{ countyId: 'chunan', needIds: ['n1', 'n2'], status: 'accepted' }],
      reports: [
        {
          countyId: 'chunan',
          outcomes: [
            { needId: 'n1', outcome: 'resolved' },
            { needId: 'n2', outcome: 'partial' },
          ],
          cooperations: [{ title: '水稻种植合作' }],
        },
        { countyId: 'chunan', outcomes: [], cooperations: [{}, {}] },
      ],
    });

    expect(report.counties[0]).toMatchObject({ visited: 1, handled: 1, cooperations: 3, carriedOver: 1 });
    // 已走访 is towns: 1, not the 2 assigned needs of the visited town.
    expect(report.total).toMatchObject({
      visited: 1,
      assigned: 2,
      handled: 1,
      cooperations: 3,
      carriedOver: 2,
    });
  });

  it('writes the county summary as CSV with a byte-order mark, Chinese headers and a total row', () => {
    const csv = seasonReportCsv(seasonFigures({ ...input, submitted: [{ id: 'n2', countyId: 'chunan' }] }), {
      county: (c) => `${c}县`,
      town: (_, t) => `${t}镇`,
    });

    const lines = csv.replace('\uFEFF', '').trimEnd().split('\r\n');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(lines[0]).toBe(
      '县（市、区）,走访乡镇,收集需求,本次走访涉及需求,已分派,未分派,已走访,已办结,达成合作,结转下季',
    );
    expect(lines[1]).toBe('chunan县,fenkou镇,1,2,0,2,0,0,0,2');
    expect(lines.at(-1)).toBe('合计,,1,3,0,3,0,0,0,3');
  });
});
