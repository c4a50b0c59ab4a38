import type { OverrideCost } from './plan.ts';
import { URGENCIES, type Urgency } from './primitives.ts';

/*
 * What an override costs, in a sentence a coordinator reads: needs first (a count is what people
 * weigh), by urgency, then the urgency weight the plan optimises. The plan page and `rounds plan`
 * say it the same way.
 */

const URGENCY_ZH: Record<Urgency, string> = { high: '紧急', normal: '一般', low: '不急' };
const URGENCY_EN: Record<Urgency, string> = { high: 'high', normal: 'normal', low: 'low' };
/** Most urgent first, as people list them. */
const ORDER = [...URGENCIES].sort((a, b) => rank(a) - rank(b));
function rank(u: Urgency): number {
  return u === 'high' ? 0 : u === 'normal' ? 1 : 2;
}

type Cost = Pick<OverrideCost, 'weightLost' | 'pairsAdded' | 'proven' | 'needsLost'>;

export function overrideCostWords(cost: Cost, lang: 'zh' | 'en'): string {
  const zh = lang === 'zh';
  if (cost.weightLost === null || cost.pairsAdded === null)
    return zh
      ? '无法单独计算（其他调整离不开它，或计算超时）'
      : 'cannot be costed alone (the others need it, or costing ran out of time)';
  const parts = [needsWords(cost.needsLost ?? undefined, cost.weightLost, zh)];
  if (cost.pairsAdded > 0)
    parts.push(
      zh
        ? `多 ${cost.pairsAdded} 次学会走访`
        : `${cost.pairsAdded} more society ${visitNoun(cost.pairsAdded)}`,
    );
  if (cost.pairsAdded < 0)
    parts.push(
      zh
        ? `少 ${-cost.pairsAdded} 次学会走访`
        : `${-cost.pairsAdded} fewer society ${visitNoun(-cost.pairsAdded)}`,
    );
  return `${parts.join(zh ? '，' : ', ')}${cost.proven ? '' : zh ? '（近似）' : ' (approximate)'}`;
}

const visitNoun = (n: number) => (n === 1 ? 'visit' : 'visits');

function needsWords(lost: Record<Urgency, number> | undefined, weight: number, zh: boolean): string {
  const total = (weight: number) =>
    zh
      ? `紧急度合计${weight > 0 ? `少 ${weight}` : weight < 0 ? `多 ${-weight}` : '不变'}`
      : `urgency ${weight > 0 ? `${weight} less` : weight < 0 ? `${-weight} more` : 'unchanged'} in all`;
  if (!lost) {
    // Costs stored before needs were counted: the weight alone.
    if (weight === 0) return zh ? '需求覆盖不变' : 'covers the same needs';
    return total(weight);
  }
  const fewer = ORDER.filter((u) => lost[u] > 0);
  const more = ORDER.filter((u) => lost[u] < 0);
  if (fewer.length === 0 && more.length === 0) return zh ? '需求覆盖不变' : 'covers the same needs';
  const list = (us: Urgency[], sign: 1 | -1) =>
    us
      .map((u) => (zh ? `${URGENCY_ZH[u]} ${sign * lost[u]}` : `${sign * lost[u]} ${URGENCY_EN[u]}`))
      .join(zh ? '、' : ', ');
  const sum = (us: Urgency[], sign: 1 | -1) => us.reduce((n, u) => n + sign * lost[u], 0);
  const needs = (n: number) => (n === 1 ? 'need' : 'needs');
  if (more.length === 0) {
    const n = sum(fewer, 1);
    return zh
      ? `少覆盖 ${n} 项需求（${list(fewer, 1)}），紧急度合计 ${weight}`
      : `covers ${n} fewer ${needs(n)} (${list(fewer, 1)}), urgency ${weight} in all`;
  }
  if (fewer.length === 0) {
    const n = sum(more, -1);
    return zh
      ? `多覆盖 ${n} 项需求（${list(more, -1)}），紧急度合计 ${-weight}`
      : `covers ${n} more ${needs(n)} (${list(more, -1)}), urgency ${-weight} in all`;
  }
  return zh
    ? `少覆盖 ${sum(fewer, 1)} 项需求（${list(fewer, 1)}）、多覆盖 ${sum(more, -1)} 项（${list(more, -1)}），${total(weight)}`
    : `covers ${sum(fewer, 1)} fewer (${list(fewer, 1)}) and ${sum(more, -1)} more (${list(more, -1)}) needs, ${total(weight)}`;
}
