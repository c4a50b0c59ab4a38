import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  keyedNeedId,
  mayAccessCounty,
  newNeed,
  newNeedId,
  requestHash,
  seasonOfNeed,
  shanghaiTimestamp,
} from '#domain/needs';
import { Slug } from '#schemas/index';

describe('needs: plain rules', () => {
  it('lets a coordinator into every county, a liaison into their own, a team into none', () => {
    expect(mayAccessCounty({ subject: 'c', role: 'coordinator' }, 'chunan')).toBe(true);
    expect(mayAccessCounty({ subject: 'l', role: 'liaison', county: 'chunan' }, 'chunan')).toBe(true);
    expect(mayAccessCounty({ subject: 'l', role: 'liaison', county: 'chunan' }, 'jiande')).toBe(false);
    expect(mayAccessCounty({ subject: 'l', role: 'liaison' }, 'chunan')).toBe(false);
    expect(mayAccessCounty({ subject: 't', role: 'team' }, 'chunan')).toBe(false);
  });

  it('makes ids that are slugs of at most 64 characters', () => {
    const at = new Date('2026-10-01T01:00:00Z');
    for (const county of ['chunan', 'c'.repeat(64), 'a-'])
      expect(Slug.safeParse(newNeedId(county, at)).success).toBe(true);
    expect(newNeedId('chunan', at)).toMatch(/^need-chunan-[a-z0-9]{19}$/);
    expect(newNeedId('chunan', at)).not.toBe(newNeedId('chunan', at));
    expect(keyedNeedId('liaison-chunan', 'k')).toMatch(/^need-[a-z2-7]{20}$/);
  });

  it('gives one id per caller and key', () => {
    expect(keyedNeedId('a', 'k')).toBe(keyedNeedId('a', 'k'));
    expect(keyedNeedId('a', 'k')).not.toBe(keyedNeedId('b', 'k'));
    expect(keyedNeedId('a', 'k')).not.toBe(keyedNeedId('a', 'k2'));
    expect(keyedNeedId('a\nk', '')).not.toBe(keyedNeedId('a', 'k'));
  });

  it('fingerprints a request whatever the order of its keys', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(requestHash({ x: 1, y: '长' })).toBe(requestHash({ y: '长', x: 1 }));
    expect(requestHash({ x: 1 })).not.toBe(requestHash({ x: 2 }));
  });

  it('writes times in China Standard Time and tells the season of a need by it', () => {
    const at = new Date('2026-09-30T16:30:00Z'); // 00:30 on 1 October in Hangzhou
    expect(shanghaiTimestamp(at)).toBe('2026-10-01T00:30:00.000+08:00');
    const need = newNeed(
      {
        countyId: 'chunan',
        townId: 'qiandaohu',
        theme: 'talent',
        field: '农业',
        title: 't',
        detail: '',
        urgency: 'low',
      },
      { subject: 'liaison-chunan', role: 'liaison', county: 'chunan' },
      at,
    );
    expect(need).toMatchObject({
      status: 'open',
      submittedBy: 'liaison-chunan',
      submittedAt: '2026-10-01T00:30:00.000+08:00',
    });
    expect(need).not.toHaveProperty('detail');
    expect(seasonOfNeed(need)).toBe('2026-Q4');
  });
});
