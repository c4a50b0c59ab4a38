import type { Need, Question } from '#schemas/index';
import { THEMES, URGENCY_WEIGHT } from '#schemas/index';

/**
 * Rule 3: the five questions of a town visit, one per theme in the contract order,
 * each listing the town's open needs of that theme, most urgent first, then by id.
 */
export function frameQuestions(townNeeds: readonly Pick<Need, 'id' | 'theme' | 'urgency'>[]): Question[] {
  const byUrgencyThenId = [...townNeeds].sort(
    (a, b) =>
      URGENCY_WEIGHT[b.urgency] - URGENCY_WEIGHT[a.urgency] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return THEMES.map((theme) => ({
    theme,
    needIds: byUrgencyThenId.filter((need) => need.theme === theme).map((need) => need.id),
  }));
}
