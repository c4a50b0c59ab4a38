import { describe, expect, it } from 'vitest';
import { overrideCostWords } from '#schemas/override-cost-words';

const cost = (
  needsLost: { high: number; normal: number; low: number } | null | undefined,
  weightLost: number | null,
  pairsAdded: number | null = 0,
  proven = true,
) => ({
  needsLost,
  weightLost,
  pairsAdded,
  proven,
});

describe('what an override costs, in words', () => {
  it('counts needs first, by urgency, then the urgency in all', () => {
    expect(overrideCostWords(cost({ high: 1, normal: 2, low: 0 }, 7), 'zh')).toBe(
      '少覆盖 3 项需求（紧急 1、一般 2），紧急度合计 7',
    );
    expect(overrideCostWords(cost({ high: 1, normal: 2, low: 0 }, 7), 'en')).toBe(
      'covers 3 fewer needs (1 high, 2 normal), urgency 7 in all',
    );
    expect(overrideCostWords(cost({ high: 0, normal: 0, low: -1 }, -1, -1), 'zh')).toBe(
      '多覆盖 1 项需求（不急 1），紧急度合计 1，少 1 次学会走访',
    );
    expect(overrideCostWords(cost({ high: 0, normal: 0, low: -1 }, -1, -1), 'en')).toBe(
      'covers 1 more need (1 low), urgency 1 in all, 1 fewer society visit',
    );
  });

  it('says a trade of needs as both sides', () => {
    expect(overrideCostWords(cost({ high: 1, normal: 0, low: -2 }, 1, 0, false), 'zh')).toBe(
      '少覆盖 1 项需求（紧急 1）、多覆盖 2 项（不急 2），紧急度合计少 1（近似）',
    );
  });

  it('says nothing changes, or that it cannot be costed', () => {
    expect(overrideCostWords(cost({ high: 0, normal: 0, low: 0 }, 0, 2), 'zh')).toBe(
      '需求覆盖不变，多 2 次学会走访',
    );
    expect(overrideCostWords(cost(null, null, null), 'zh')).toBe(
      '无法单独计算（其他调整离不开它，或计算超时）',
    );
    // Stored before needs were counted.
    expect(overrideCostWords(cost(undefined, 3), 'zh')).toBe('紧急度合计少 3');
  });
});
