import { describe, expect, it } from 'vitest';
import { validate } from '#schemas/messages';
import { NeedInput, NeedPatch, WithdrawInput } from '#schemas/need-api';
import { AssignmentId, VisitId } from '#schemas/primitives';
import { DeclineBody, VisitReportInput } from '#schemas/teams';
import { chunanNeed } from '#support/builders';

const need = chunanNeed();
const CJK = /[\u4e00-\u9fff]/;

const BAD_TEXTS: [string, string][] = [
  ['zero-width characters only', '\u200B\u200C\u200D\u2060\uFEFF'],
  ['RTL override and isolates only', '\u202E\u2066\u2069\u200F'],
  ['ideographic spaces and a soft hyphen only', '\u3000\u3000\u00AD'],
  ['a NUL character', '标题\u0000'],
  ['an escape sequence', 'title \u001B[31mred'],
  ['a DEL and a C1 control', 'a\u007Fb\u0085'],
  ['a lone carriage return', 'a\rb'],
  ['a lone high surrogate', 'broken \uD83D'],
  ['a lone low surrogate', '\uDE00 broken'],
];

describe('text fields refuse what a person can not read', () => {
  it.each(BAD_TEXTS)('a title with %s is refused, naming the field in both languages', (_, title) => {
    const result = validate(NeedInput, { ...need, title });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toEqual(['title']);
    const [issue] = result.issues;
    expect(issue?.zh).toMatch(CJK);
    expect(issue?.zh).toContain('标题');
    expect(issue?.en).toMatch(/^Title /);
    expect(issue?.message).toBe(`${issue?.zh} / ${issue?.en}`);
  });

  it('applies to every free-text field: detail, patch, withdrawal, decline reason, report answers and notes', () => {
    const bad = '\u200B\u200B';
    expect(validate(NeedInput, { ...need, detail: bad }).ok).toBe(false);
    expect(validate(NeedInput, { ...need, field: '\u202E' }).ok).toBe(false);
    expect(validate(NeedPatch, { title: 'ok\u0007' }).ok).toBe(false);
    expect(validate(WithdrawInput, { reason: '\uD800' }).ok).toBe(false);
    expect(validate(DeclineBody, { reason: bad }).ok).toBe(false);
    const report = {
      visitDate: '2026-10-15',
      answers: { talent: 'a', industry: 'b', literacy: 'c', advice: 'd', grassroots: bad },
      outcomes: [{ needId: 'n1', outcome: 'resolved', note: 'x\u0000' }],
      cooperations: [{ title: '\u2066\u2069', partner: 'p' }],
    };
    const result = validate(VisitReportInput, report);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues.map((i) => i.path).sort()).toEqual(
        ['answers.grassroots', 'cooperations[0].title', 'outcomes[0].note'].sort(),
      );
    }
  });

  it('keeps what people do write: newlines, tabs, CRLF, emoji, Chinese punctuation, an empty detail', () => {
    expect(validate(NeedInput, { ...need, detail: '第一行\n第二行\r\n\t缩进 🌾，“引号”' }).ok).toBe(true);
    expect(validate(NeedInput, { ...need, title: 'عربى mixed with 中文 \u200D👨‍🌾' }).ok).toBe(true);
    expect(validate(NeedPatch, { detail: '' }).ok).toBe(true);
  });
});

describe('ids in paths', () => {
  it('accepts visit and assignment ids of the right shape only, at most 64 characters a part', () => {
    expect(VisitId.safeParse('2026-Q4.chunan').success).toBe(true);
    expect(AssignmentId.safeParse('2026-Q4.chunan.zj-agri').success).toBe(true);
    for (const bad of ['2026-Q4', '2026-Q5.chunan', `2026-Q4.${'a'.repeat(65)}`, '2026-Q4.Chunan', '']) {
      expect(VisitId.safeParse(bad).success, bad).toBe(false);
    }
    for (const bad of ['2026-Q4.chunan', `2026-Q4.chunan.${'a'.repeat(2000)}`, '2026-Q4..x', 'a.b.c']) {
      expect(AssignmentId.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('names the id in both languages when it has the wrong shape', () => {
    const result = validate(VisitId, 'nonsense');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues[0]?.en).toContain('2026-Q4.chunan');
      expect(result.issues[0]?.zh).toMatch(CJK);
      expect(result.issues[0]?.en).not.toMatch(/lowercase id/);
    }
  });
});
