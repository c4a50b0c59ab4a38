import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { County, Need, Society, THEMES, VisitHistoryEntry } from '#schemas/index';
import { ROOT } from '#support/paths';

const dataDir = pathToFileURL(join(ROOT, 'demo', 'data', '/'));

function load<T extends z.ZodType>(file: string, schema: T): z.infer<T>[] {
  const text = readFileSync(new URL(file, dataDir), 'utf8');
  const result = z.array(schema).safeParse(JSON.parse(text));
  if (!result.success) throw new Error(`${file}: ${z.prettifyError(result.error)}`);
  return result.data;
}

const counties = load('counties.json', County);
const societies = load('societies.json', Society);
const needs = load('needs.json', Need);
const visits = load('visits.json', VisitHistoryEntry);

const COUNTY_IDS = ['chunan', 'jiande', 'tonglu', 'linan'];
const isCompetent = (s: Society, n: Need) => s.themes.includes(n.theme) && s.fields.includes(n.field);

function expectUnique(ids: string[], what: string) {
  const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
  expect(dupes, `duplicate ${what} ids`).toEqual([]);
}

describe('demo data', () => {
  it('has the four mountain counties, each with at least 10 real towns', () => {
    expect(counties.map((c) => c.id).sort()).toEqual([...COUNTY_IDS].sort());
    expectUnique(
      counties.map((c) => c.id),
      'county',
    );
    for (const county of counties) {
      expect(county.towns.length, county.id).toBeGreaterThanOrEqual(10);
      expectUnique(
        county.towns.map((t) => t.id),
        `town (${county.id})`,
      );
    }
    const fenkou = counties.find((c) => c.id === 'chunan')?.towns.find((t) => t.id === 'fenkou');
    expect(fenkou?.name.zh).toBe('汾口镇');
  });

  it("gives every county a contact with an e-mail, so the county's liaisons hear what concerns them", () => {
    for (const county of counties) expect(county.contact?.email, county.id).toMatch(/@example\.org\.cn$/);
    // Demo data never carries a robot's secret.
    expect(counties.every((c) => c.contact?.webhookSecret === undefined)).toBe(true);
  });

  it('has at least 14 societies with a capacity of 1 to 4 each and enough in total for four visits', () => {
    expect(societies.length).toBeGreaterThanOrEqual(14);
    expectUnique(
      societies.map((s) => s.id),
      'society',
    );
    for (const s of societies) {
      expect(s.capacityPerSeason, s.id).toBeGreaterThanOrEqual(1);
      expect(s.capacityPerSeason, s.id).toBeLessThanOrEqual(4);
      expect(s.contact?.email ?? s.contact?.phone, `${s.id} contact`).toBeTruthy();
    }
    const total = societies.reduce((sum, s) => sum + s.capacityPerSeason, 0);
    expect(total).toBeGreaterThanOrEqual(25);
    expect(total).toBeLessThanOrEqual(35);
  });

  it('has at least 72 open needs with unique ids, each in an existing town of its county', () => {
    expect(needs.length).toBeGreaterThanOrEqual(72);
    expectUnique(
      needs.map((n) => n.id),
      'need',
    );
    for (const need of needs) {
      const county = counties.find((c) => c.id === need.countyId);
      expect(county, `${need.id} county ${need.countyId}`).toBeDefined();
      expect(
        county?.towns.some((t) => t.id === need.townId),
        `${need.id} town ${need.townId}`,
      ).toBe(true);
      expect([...need.title].length, `${need.id} title length`).toBeLessThanOrEqual(40);
      const at = Date.parse(need.submittedAt);
      expect(at, need.id).toBeGreaterThanOrEqual(Date.parse('2026-06-01T00:00:00+08:00'));
      expect(at, need.id).toBeLessThan(Date.parse('2026-11-21T00:00:00+08:00'));
    }
  });

  it('spreads needs over every county (>= 15), every theme (>= 10) and every urgency', () => {
    for (const countyId of COUNTY_IDS) {
      expect(needs.filter((n) => n.countyId === countyId).length, countyId).toBeGreaterThanOrEqual(15);
    }
    for (const theme of THEMES) {
      expect(needs.filter((n) => n.theme === theme).length, theme).toBeGreaterThanOrEqual(10);
    }
    for (const urgency of ['high', 'normal', 'low'] as const) {
      expect(
        needs.some((n) => n.urgency === urgency),
        urgency,
      ).toBe(true);
    }
  });

  it('gives most needs a competent society and leaves a few with none', () => {
    const covered = needs.filter((n) => societies.some((s) => isCompetent(s, n)));
    const uncovered = needs.filter((n) => !societies.some((s) => isCompetent(s, n)));
    expect(uncovered.length).toBeGreaterThanOrEqual(1);
    expect(covered.length / needs.length).toBeGreaterThanOrEqual(0.8);
  });

  it('has one visit per county per past season, 2025-Q4 to 2026-Q3, to existing towns', () => {
    const seasons = ['2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3'];
    for (const season of seasons) {
      const ofSeason = visits.filter((v) => v.season === season);
      expect(ofSeason.map((v) => v.countyId).sort(), season).toEqual([...COUNTY_IDS].sort());
    }
    expect(visits.length).toBe(seasons.length * COUNTY_IDS.length);
    for (const visit of visits) {
      const county = counties.find((c) => c.id === visit.countyId);
      expect(
        county?.towns.some((t) => t.id === visit.townId),
        `${visit.season} ${visit.countyId}/${visit.townId}`,
      ).toBe(true);
    }
    expect(visits).toContainEqual({ season: '2026-Q3', countyId: 'chunan', townId: 'fenkou' });
  });
});
