import { describe, expect, it } from 'vitest';
import { keys } from '#schemas/keys';
import {
  DraftRecord,
  MalformedItemError,
  NeedRecord,
  OfferRecord,
  parseRecord,
  ReportVersionRecord,
} from '#schemas/records';

const offerItem = {
  ...keys.offer('2026-Q4', 'chunan', 'nongxue'),
  ...keys.offerIndex('2026-Q4', 'chunan', 'nongxue'),
  type: 'offer',
  id: '2026-Q4.chunan.nongxue',
  season: '2026-Q4',
  visitId: '2026-Q4.chunan',
  countyId: 'chunan',
  townId: 'fenkou',
  societyId: 'nongxue',
  needIds: ['need-1'],
  status: 'offered',
  createdAt: '2026-10-01T01:00:00.000Z',
  reason: null,
};

describe('a stored record read through its schema', () => {
  it('is the entity without the table’s own attributes', () => {
    const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, type: _type, ...entity } = offerItem;
    expect(parseRecord(OfferRecord, 'offer', offerItem)).toStrictEqual(entity);
  });

  it('is refused when a field has the wrong type, naming the item’s key and the field', () => {
    const read = () => parseRecord(OfferRecord, 'offer', { ...offerItem, needIds: 'need-1' });
    expect(read).toThrow(MalformedItemError);
    expect(read).toThrow('pk=SEASON#2026-Q4, sk=OFFER#chunan#nongxue');
    expect(read).toThrow(/needIds:/);
    expect(read).toThrow(/存储的记录格式错误/);
  });

  it('is refused when a required field is missing or a status is not one the product knows', () => {
    const { status: _status, ...withoutStatus } = offerItem;
    expect(() => parseRecord(OfferRecord, 'offer', withoutStatus)).toThrow(/status/);
    expect(() => parseRecord(OfferRecord, 'offer', { ...offerItem, status: 'maybe' })).toThrow(/status/);
    const need = {
      ...keys.need('need-1'),
      id: 'need-1',
      countyId: 'chunan',
      townId: 'fenkou',
      theme: 'industry',
      field: '茶叶',
      title: '春茶机采',
      urgency: 'high',
      submittedAt: '2026-10-01T09:00:00+08:00',
      status: 'open',
    };
    expect(parseRecord(NeedRecord, 'need', need).status).toBe('open');
    expect(() => parseRecord(NeedRecord, 'need', { ...need, status: 'lost' })).toThrow(
      'pk=NEED#need-1, sk=NEED',
    );
  });

  it('reads a draft visit’s JSON through the framed visit’s schema, and reports JSON that is not', () => {
    expect(() =>
      parseRecord(DraftRecord, 'draft visit', { ...keys.draft('2026-Q4', 'chunan'), visit: '{not json' }),
    ).toThrow(/visit: not JSON/);
    expect(() =>
      parseRecord(DraftRecord, 'draft visit', {
        ...keys.draft('2026-Q4', 'chunan'),
        visit: '{"countyId":1}',
      }),
    ).toThrow(/sk=DRAFT#chunan/);
  });

  it('keeps every answer of a report version and refuses a version that is not a positive integer', () => {
    const report = {
      ...keys.report('2026-Q4.chunan', 'nongxue', 1),
      visitId: '2026-Q4.chunan',
      season: '2026-Q4',
      countyId: 'chunan',
      version: 1,
      societyId: 'nongxue',
      reportedBy: 'nongxue:t1',
      reportedAt: '2026-10-15T01:00:00.000Z',
      visitDate: '2026-10-14',
      answers: { talent: 'a', industry: 'b', literacy: 'c', advice: 'd', grassroots: 'e' },
      outcomes: [{ needId: 'need-1', outcome: 'resolved' }],
      cooperations: [],
    };
    expect(parseRecord(ReportVersionRecord, 'report version', report).answers.grassroots).toBe('e');
    expect(() => parseRecord(ReportVersionRecord, 'report version', { ...report, version: 0 })).toThrow(
      /sk=REPORT#nongxue#000001.*version/,
    );
  });
});
