/**
 * Reads that do not grow with the season: the DynamoDB requests and read units each route's
 * function makes (counted by a client middleware on DynamoDB Local, with ReturnConsumedCapacity),
 * on a season of N counties and one of 4N, each after its round with one report filed per visit.
 * A liaison's plan, the busiest society's assignments and a visit's page make the same requests
 * and read about the same units at both sizes; the season report grows by pages only.
 * No timing: counts only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countReadUnits, type ReadCost } from '#local/read-units';
import { signLocalToken } from '#local/tokens';
import { THEMES } from '#schemas/index';
import { bootTestRuntime } from '#support/embedded-api';
import { request } from '#support/http';
import { generateInstance, type InstanceSize } from '#support/instances';

const SEASON = '2026-Q4';
const N = 8;

type Cost = ReadCost;
type Figures = Record<
  'plan' | 'assignments' | 'fewestAssignments' | 'visit' | 'visitLog' | 'report' | 'reportCsv',
  Cost
>;

// Every read a function makes, by function id (the caller the HTTP adapter sets around a handler).
let counted = new Map<string, Cost>();

function size(counties: number): InstanceSize {
  // Societies and their capacity stay the same: the busiest society holds as many offers at both sizes.
  return {
    name: `n${counties}`,
    counties,
    towns: [4, 8],
    societies: 24,
    needs: counties * 20,
    capacity: [3, 3],
  };
}

/** Boots a database, runs the round on a generated season, files a report per visit, measures each route. */
async function measure(counties: number): Promise<Figures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bounded-reads-'));
  const runtime = await bootTestRuntime();
  counted = countReadUnits();
  try {
    const { seedIfEmpty } = await import('#cli/seed');
    await seedIfEmpty(generateInstance(size(counties), 7));
    const execution = await runtime.runner.run({ season: SEASON, autoAccept: true });
    expect(execution.status).toBe('SUCCEEDED');
    const { startHttpServer } = await import('#local/http-server');
    const server = await startHttpServer({ port: 0, dataDir });
    try {
      const call = async (path: string, claims: Parameters<typeof signLocalToken>[1], body?: unknown) => {
        const token = await signLocalToken(dataDir, claims);
        const reply = await request(server.url, body ? 'POST' : 'GET', path, { token, body });
        expect(reply.status, `${path}: ${reply.status}`).toBeLessThan(300);
        return reply.body;
      };
      const coordinator = { role: 'coordinator' as const, sub: 'coord' };
      // biome-ignore lint/suspicious/noExplicitAny: the plan's JSON, read field by field
      const plan: any = await call(`/seasons/${SEASON}/plan`, coordinator);
      const offers = plan.visits.flatMap(
        (v: { assignments: { societyId: string; visitId: string }[]; id: string }) =>
          v.assignments.map((a) => ({ ...a, visitId: v.id })),
      ) as { societyId: string; needIds: string[]; visitId: string }[];
      // One report per accepted offer, so that every visit has its outcomes.
      for (const offer of offers) {
        await call(
          `/visits/${offer.visitId}/report`,
          { role: 'team', society: offer.societyId, sub: 't' },
          {
            visitDate: '2026-10-15',
            answers: Object.fromEntries(THEMES.map((t) => [t, `回答 ${t}`])),
            outcomes: offer.needIds.map((needId, i) => ({ needId, outcome: i % 2 ? 'partial' : 'resolved' })),
            cooperations: [{ title: '合作', partner: '乡政府' }],
          },
        );
      }
      const perSociety = new Map<string, number>();
      for (const o of offers) perSociety.set(o.societyId, (perSociety.get(o.societyId) ?? 0) + 1);
      const ranked = [...perSociety].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      const busiest = ranked[0]![0];
      const fewest = ranked.at(-1)![0];
      expect(ranked[0]![1]).toBeGreaterThan(ranked.at(-1)![1]);
      // The same kind of county at both sizes: the visit with the fewest needs that has a society.
      const county = [...plan.visits]
        .filter((v: { assignments: unknown[] }) => v.assignments.length > 0)
        .map((v: { countyId: string; questions: { needIds: string[] }[] }) => ({
          countyId: v.countyId,
          needs: v.questions.flatMap((q) => q.needIds).length,
        }))
        .sort((a, b) => a.needs - b.needs || a.countyId.localeCompare(b.countyId))[0]!.countyId as string;

      const cost = async (functionId: string, path: string, claims: Parameters<typeof signLocalToken>[1]) => {
        counted.delete(functionId);
        await call(path, claims);
        return counted.get(functionId) ?? { requests: 0, readUnits: 0 };
      };
      return {
        plan: await cost('GetSeasonPlan', `/seasons/${SEASON}/plan`, { role: 'liaison', county, sub: 'l' }),
        assignments: await cost('ListAssignments', '/assignments', {
          role: 'team',
          society: busiest,
          sub: 't',
        }),
        fewestAssignments: await cost('ListAssignments', '/assignments', {
          role: 'team',
          society: fewest,
          sub: 't',
        }),
        visit: await cost('GetVisit', `/visits/${SEASON}.${county}`, coordinator),
        visitLog: await cost('GetVisitLog', `/visits/${SEASON}.${county}/log`, coordinator),
        report: await cost('GetSeasonReport', `/seasons/${SEASON}/report`, coordinator),
        reportCsv: await cost('GetSeasonReport', `/seasons/${SEASON}/report?format=csv`, coordinator),
      };
    } finally {
      await server.close();
    }
  } finally {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

let small: Figures;
let large: Figures;

beforeAll(async () => {
  small = await measure(N);
  large = await measure(4 * N);
}, 600_000);

afterAll(() => {
  console.log(JSON.stringify({ small, large }));
  counted.clear();
});

describe('reads that do not grow with the season', () => {
  it.each(['plan', 'assignments', 'visit', 'visitLog'] as const)(
    '%s: the same DynamoDB requests for N and 4N counties, and about the same read units',
    (route) => {
      // The counter sees the route's reads and DynamoDB Local's consumed capacity.
      expect(small[route].requests).toBeGreaterThan(0);
      expect(small[route].readUnits).toBeGreaterThan(0);
      expect(large[route].requests, JSON.stringify({ small: small[route], large: large[route] })).toBe(
        small[route].requests,
      );
      // Read units follow the items read (one county's visit, one society's page), not the season.
      expect(large[route].readUnits).toBeLessThanOrEqual(small[route].readUnits * 1.5 + 1);
    },
  );

  it('assignments: the same requests for the busiest society as for one with a single offer (nothing per offer)', () => {
    expect(large.assignments.requests).toBe(large.fewestAssignments.requests);
    expect(small.assignments.requests).toBe(small.fewestAssignments.requests);
  });

  it('the season report: one Query page for both sizes (a page holds 200 counties), never a Query per visit', () => {
    expect(small.report.requests).toBeLessThanOrEqual(2);
    expect(large.report.requests).toBe(small.report.requests);
    // The CSV names its counties from the summaries or one BatchGetItem per 100 counties.
    expect(large.reportCsv.requests).toBeLessThanOrEqual(small.reportCsv.requests + 1);
  });
});
