import { describe, expect, it } from 'vitest';
import { keys, summaryAttributes } from '#schemas/keys';
import { CountySummaryRecord, MalformedItemError, parseRecord } from '#schemas/records';
import { summaryOf } from '#store/season-summary';

/*
 * The county summary's read checks a well-formed item field by field instead of through the schema
 * (functions/store/season-summary.ts): it must answer exactly what the schema answers, and refuse
 * what the schema refuses, with the schema's message.
 */

const item = {
  ...keys.countySummary('2026-Q4', 'chunan'),
  type: 'county-summary',
  season: '2026-Q4',
  countyId: 'chunan',
  townId: 'fenkou',
  questions: [
    { theme: 'talent', needIds: ['n1', 'n2'] },
    { theme: 'industry', needIds: [], text: { zh: '产业', en: 'industry' } },
  ],
  submitted: 7,
  countyName: { zh: '淳安县', en: 'Chun’an' },
  townName: { zh: '汾口镇', en: 'Fenkou' },
  plannedAt: '2026-10-01T02:00:00.000Z',
  [summaryAttributes.offer('nongxue')]: { needIds: ['n1'], status: 'accepted', attempt: 1 },
  [summaryAttributes.offer('yixue')]: { needIds: ['n2'], status: 'declined' },
  // Filed before experts and activities were kept: the schema's defaults.
  [summaryAttributes.report('nongxue')]: {
    version: 2,
    reportedAt: '2026-10-15T08:00:00.000Z',
    visitDate: '2026-10-15',
    outcomes: [{ needId: 'n1', outcome: 'resolved' }],
    cooperations: [{ title: '合作', partner: '镇政府' }],
  },
  [summaryAttributes.report('yixue')]: {
    version: 1,
    reportedAt: '2026-10-16T08:00:00.000Z',
    visitDate: '2026-10-16',
    outcomes: [],
    cooperations: [],
    experts: [
      { name: '王工', title: '高工' },
      { name: '李院士', academician: true },
    ],
    participants: 40,
    activityKinds: ['lecture'],
  },
  highlight: { caption: '典型', by: 'coordinator:1', at: '2026-10-20T00:00:00.000Z' },
};

/** The entity the schema reads: offers and reports gathered under their maps. */
function viaSchema(raw: Record<string, unknown>) {
  const entity: Record<string, unknown> = { offers: {}, reports: {} };
  for (const [name, value] of Object.entries(raw)) {
    const attribute = summaryAttributes.parse(name);
    if (attribute) (entity[`${attribute.kind}s`] as Record<string, unknown>)[attribute.societyId] = value;
    else entity[name] = value;
  }
  return parseRecord(CountySummaryRecord, 'county summary', entity);
}

const without = (key: string) => Object.fromEntries(Object.entries(item).filter(([k]) => k !== key));
const report = (item as Record<string, unknown>)[summaryAttributes.report('yixue')] as Record<
  string,
  unknown
>;

describe('reading a county summary', () => {
  it.each([
    ['every field', item],
    [
      'a county with needs only',
      { ...keys.countySummary('2026-Q4', 'x'), season: '2026-Q4', countyId: 'x', submitted: 2 },
    ],
    ['no highlight, no names', without('highlight')],
    ['an attribute the schema does not know (left out)', { ...item, extra: 'kept out' }],
  ])('answers what the schema answers: %s', (_, raw) => {
    expect(summaryOf(raw)).toStrictEqual(viaSchema(raw));
  });

  it.each([
    ['no countyId', without('countyId')],
    ['a theme that is not one', { ...item, questions: [{ theme: 'other', needIds: [] }] }],
    ['a need id that is a number', { ...item, questions: [{ theme: 'talent', needIds: [1] }] }],
    [
      'an offer status that is not one',
      { ...item, [summaryAttributes.offer('a')]: { needIds: [], status: 'maybe' } },
    ],
    [
      'an attempt of 0',
      { ...item, [summaryAttributes.offer('a')]: { needIds: [], status: 'offered', attempt: 0 } },
    ],
    ['a report version of 1.5', { ...item, [summaryAttributes.report('a')]: { ...report, version: 1.5 } }],
    ['an empty report time', { ...item, [summaryAttributes.report('a')]: { ...report, reportedAt: '' } }],
    [
      'an outcome that is not one',
      {
        ...item,
        [summaryAttributes.report('a')]: { ...report, outcomes: [{ needId: 'n', outcome: 'done' }] },
      },
    ],
    ['negative participants', { ...item, [summaryAttributes.report('a')]: { ...report, participants: -1 } }],
    [
      'an expert without a name',
      { ...item, [summaryAttributes.report('a')]: { ...report, experts: [{ title: 'x' }] } },
    ],
    ['a county name without English', { ...item, countyName: { zh: '县' } }],
    ['a highlight without its author', { ...item, highlight: { caption: 'c', at: 'now' } }],
    ['submitted below zero', { ...item, submitted: -1 }],
  ])('refuses what the schema refuses, with its message: %s', (_, raw) => {
    let expected: unknown;
    try {
      viaSchema(raw);
    } catch (error) {
      expected = error;
    }
    expect(expected).toBeInstanceOf(MalformedItemError);
    expect(() => summaryOf(raw)).toThrow((expected as Error).message);
  });
});
