import type { Need, Question, QuestionWording } from '#schemas/index';
import { THEMES, URGENCY_WEIGHT } from '#schemas/index';

/**
 * Five questions (docs/rules.md): the five questions of a town visit, one per theme in the contract order,
 * each listing the town's open needs of that theme, most urgent first, then by id; with the
 * season's wording when given (the visit keeps it as its questions' `text`).
 */
export function frameQuestions(
  townNeeds: readonly Pick<Need, 'id' | 'theme' | 'urgency'>[],
  wording?: QuestionWording,
): Question[] {
  const byUrgencyThenId = [...townNeeds].sort(
    (a, b) =>
      URGENCY_WEIGHT[b.urgency] - URGENCY_WEIGHT[a.urgency] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return THEMES.map((theme) => ({
    theme,
    needIds: byUrgencyThenId.filter((need) => need.theme === theme).map((need) => need.id),
    ...(wording ? { text: { zh: wording[theme].zh, en: wording[theme].en } } : {}),
  }));
}
