import { describe, expect, it, vi } from 'vitest';
import {
  alertTexts,
  DELIVERY_FAILURE_WORDS,
  digestHasNews,
  digestId,
  digestText,
  failureWords,
  nextDigestTime,
} from '#domain/coordinator-notices';
import { startDigestTimer } from '#local/scheduler';
import type { County } from '#schemas/catalog';

const county: County = {
  id: 'chunan',
  name: { zh: '淳安县', en: 'Chun’an County' },
  towns: [{ id: 'fenkou', name: { zh: '汾口镇', en: 'Fenkou' } }],
};
const offer = { season: '2026-Q4', countyId: 'chunan', townId: 'fenkou' };
const needs = [
  { id: 'need-chunan-005', title: '茶园病虫害绿色防控' },
  { id: 'need-chunan-007', title: '山核桃林下套种' },
];
const lastSociety = { name: { zh: '杭州市农学会', en: 'Hangzhou Agricultural Society' } };

describe('the coordinator alert', () => {
  it('names the county, town, society and needs in Chinese first, then English, and no ids', () => {
    const { message } = alertTexts({
      offer,
      county,
      lastSociety,
      reason: 'tries-exhausted',
      needs,
      tries: 3,
      origin: 'https://rounds.example.org',
    });
    const lines = message.split('\n');

    expect(lines[0]).toContain('2026 年第四季度');
    expect(lines[0]).toContain('淳安县汾口镇');
    expect(lines[0]).toContain('已先后请 3 个学会对接');
    expect(lines[0]).toContain('杭州市农学会');
    expect(message).toContain('- 茶园病虫害绿色防控');
    expect(message).toContain(
      '安排到其他学会：https://rounds.example.org/plan.html?season=2026-Q4#unassigned',
    );
    const english = lines.at(-1) ?? '';
    expect(english).toContain('Fenkou, Chun’an County: 2 needs are unassigned after 3 societies declined');
    expect(english).toContain('(last: Hangzhou Agricultural Society)');
    for (const id of ['need-chunan-005', 'chunan', 'fenkou', '2026-Q4.chunan']) {
      expect(message.replace(/https:\S+/g, '')).not.toContain(id);
    }
  });

  it('says what to do without a link when the pages’ address is not configured', () => {
    const { message } = alertTexts({
      offer,
      county,
      reason: 'no-society',
      needs: needs.slice(0, 1),
      tries: 1,
    });

    expect(message).toContain('没有其他对口且有余力的学会可以改派');
    expect(message).toContain('安排到其他学会。');
    expect(message).toContain('no other competent society with capacity left can take 1 need');
    expect(message).not.toContain('http');
  });

  it('keeps the SNS subject ASCII under 100 characters, naming the county in English', () => {
    const { subject } = alertTexts({ offer, county, reason: 'no-society', needs, tries: 1 });
    expect(subject).toBe('Mountain rounds 2026-Q4: no society left for needs of Chun an County');

    const long = { ...county, name: { zh: '淳安县', en: `Chunan ${'Mountain '.repeat(12)}County` } };
    const shortened = alertTexts({ offer, county: long, reason: 'tries-exhausted', needs, tries: 3 }).subject;
    expect(shortened).toMatch(/^[\x20-\x7e]{1,99}$/);
    expect(shortened).toMatch(
      /^Mountain rounds 2026-Q4: needs of Chunan Mountain .*\.\.\. unassigned after 3 tries$/,
    );
  });
});

describe('why a delivery failed, in words', () => {
  it('says each recorded reason in Chinese and English, and an old message’s raw error as it is', () => {
    expect(failureWords('signature', 'errcode 310000')).toEqual(DELIVERY_FAILURE_WORDS.signature);
    expect(DELIVERY_FAILURE_WORDS.signature.zh).toBe('机器人签名不对：请核对加签密钥');
    expect(failureWords(undefined, 'HTTP 500')).toEqual({ zh: 'HTTP 500', en: 'HTTP 500' });
    expect(failureWords(undefined, undefined)).toBeNull();
  });
});

describe('the daily digest', () => {
  const none = {
    accepted: 0,
    declined: 0,
    datesConfirmed: 0,
    reportsFiled: 0,
    messagesFailed: 0,
    alertsOpen: 0,
  };

  it('has nothing to say when nothing happened and nothing is open', () => {
    expect(digestHasNews(none)).toBe(false);
    expect(digestHasNews({ ...none, alertsOpen: 1 })).toBe(true);
  });

  it('counts the day in Beijing time, Chinese first, with agreeing English counts', () => {
    const until = new Date('2026-12-10T00:00:00.000Z'); // 08:00 Beijing
    const { subject, body } = digestText(
      { ...none, accepted: 2, declined: 1, reportsFiled: 1, messagesFailed: 3 },
      until,
      'https://rounds.example.org',
    );

    expect(subject).toBe('【每日摘要】12月9日 08:00 至 12月10日 08:00');
    expect(body).toContain('- 学会答复：接受 2 个，婉拒 1 个');
    expect(body).toContain('- 提交走访报告 1 份');
    expect(body).toContain('- 发送失败的消息 3 条，见看板');
    expect(body).not.toContain('走访日期');
    expect(body).toContain('1 report filed; 3 messages not delivered, see the dashboard');
    expect(body).toContain('https://rounds.example.org/dashboard.html#failed-messages');
  });
});

describe('when the digest goes', () => {
  it('is 08:00 Beijing time next, one id per Beijing day', () => {
    expect(nextDigestTime(new Date('2026-12-09T23:59:59.000Z')).toISOString()).toBe(
      '2026-12-10T00:00:00.000Z',
    );
    expect(nextDigestTime(new Date('2026-12-10T00:00:00.000Z')).toISOString()).toBe(
      '2026-12-11T00:00:00.000Z',
    );
    expect(digestId(new Date('2026-12-10T00:00:00.000Z'))).toBe('digest#2026-12-10');
    expect(digestId(new Date('2026-12-10T15:59:00.000Z'))).toBe('digest#2026-12-10');
    expect(digestId(new Date('2026-12-10T16:00:00.000Z'))).toBe('digest#2026-12-11');
  });

  it('fires the local timer at 08:00 Beijing time each day', () => {
    vi.useFakeTimers({ now: new Date('2026-12-09T23:00:00.000Z') });
    try {
      const fired: string[] = [];
      const timer = startDigestTimer((at) => fired.push(at.toISOString()));
      vi.advanceTimersByTime(3_599_000);
      expect(fired).toEqual([]);
      vi.advanceTimersByTime(1_000);
      expect(fired).toEqual(['2026-12-10T00:00:00.000Z']);
      vi.advanceTimersByTime(24 * 3_600_000);
      expect(fired).toEqual(['2026-12-10T00:00:00.000Z', '2026-12-11T00:00:00.000Z']);
      timer.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
