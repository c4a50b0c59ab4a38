import { frameVisit } from '#domain/plan-steps';
import { ChosenTown, type FramedVisit } from '#schemas/index';
import { roundStep } from './step.ts';

/** Five questions (docs/rules.md): the five questions of the visit, each with the town's open needs of its theme. */
export const handler = roundStep(
  'FrameFiveQuestions',
  ChosenTown,
  async (visit): Promise<FramedVisit> => frameVisit(visit),
);
