/** The pure rules behind the teams' side: who takes refused needs, what stays unassigned, message timing. No I/O. */
import { describe, expect, it } from 'vitest';
import { reminderTime } from '#delivery/messages';
import { nextSendableTime } from '#domain/quiet-hours';
import { rankSuccessors, unassignedNeedIdsOf } from '#domain/reassignment';
import type { Theme } from '#schemas/index';

const need = (id: string, theme: Theme, field: string, urgency: 'low' | 'normal' | 'high') => ({
  id,
  theme,
  field,
  urgency,
});
const society = (id: string, themes: Theme[], fields: string[], capacityPerSeason: number) => ({
  id,
  themes,
  fields,
  capacityPerSeason,
});

describe('rankSuccessors', () => {
  const needs = [need('n1', 'industry', '茶叶', 'high'), need('n2', 'literacy', '科普', 'low')];

  it('ranks by urgency weight covered, then needs covered, then capacity left, then load, then id', () => {
    const ranked = rankSuccessors({
      needs,
      societies: [
        society('kepu', ['literacy'], ['科普'], 3),
        society('chaye', ['industry'], ['茶叶'], 2),
        society('both', ['industry', 'literacy'], ['茶叶', '科普'], 1),
        society('chaye-b', ['industry'], ['茶叶'], 2),
      ],
      capacityUsed: { 'chaye-b': 1 },
      onVisit: new Set(),
    });

    expect(ranked.map((r) => r.societyId)).toEqual(['both', 'chaye', 'chaye-b', 'kepu']);
    expect(ranked[1]).toEqual({ societyId: 'chaye', needIds: ['n1'], leftoverNeedIds: ['n2'] });
  });

  it('skips societies without capacity left, not competent, or already on the visit (the one that refused too)', () => {
    const ranked = rankSuccessors({
      needs,
      societies: [
        society('full', ['industry'], ['茶叶'], 1),
        society('refused', ['industry'], ['茶叶'], 5),
        society('wrong-field', ['industry'], ['林业'], 5),
        society('zero', ['industry'], ['茶叶'], 0),
      ],
      capacityUsed: { full: 1 },
      onVisit: new Set(['refused']),
    });

    expect(ranked).toEqual([]);
  });
});

describe('unassignedNeedIdsOf', () => {
  it('lists the collected needs no offered or accepted offer covers, sorted', () => {
    const visit = {
      countyId: 'c',
      questions: [{ needIds: ['n3', 'n1'] }, { needIds: ['n2'] }, { needIds: [] }],
    };
    const offers = [
      { countyId: 'c', status: 'accepted', needIds: ['n1'] },
      { countyId: 'c', status: 'reassigned', needIds: ['n2', 'n3'] },
      { countyId: 'c', status: 'offered', needIds: ['n2'] },
      { countyId: 'other', status: 'accepted', needIds: ['n3'] },
    ];

    expect(unassignedNeedIdsOf(visit, offers)).toEqual(['n3']);
  });
});

describe('messages', () => {
  it('reminds 2 days before a 7-day deadline, halfway through a short one', () => {
    const sent = new Date('2026-10-01T02:00:00Z');
    expect(reminderTime(sent, 7 * 86_400).toISOString()).toBe('2026-10-06T02:00:00.000Z');
    expect(reminderTime(sent, 3600).toISOString()).toBe('2026-10-01T02:30:00.000Z');
  });

  it('holds an offer sent at 23:00 Beijing time until 07:00, and a reminder falling at night likewise', () => {
    const now = new Date('2026-10-01T15:00:00Z'); // 23:00 in Beijing
    expect(nextSendableTime(now).toISOString()).toBe('2026-10-01T23:00:00.000Z'); // 07:00 on 2 October
    expect(nextSendableTime(reminderTime(now, 7 * 86_400)).toISOString()).toBe('2026-10-06T23:00:00.000Z');
  });
});
