import * as z from 'zod';
import { DEFAULT_QUESTION_TEXT } from './labels.ts';
import { QuestionWording } from './primitives.ts';

/*
 * The wording of the five questions (一镇五问). The theme keys are a contract; the wording is the
 * coordinators' to change per season, each change a new version. A visit keeps the wording it was
 * framed with (its questions' `text`).
 */

/** `GET /seasons/{season}/questions`: the wording in force, which version, and who set it. */
export const SeasonQuestions = QuestionWording.extend({
  season: z.string(),
  /** 0 when nobody changed it: the spec's wording. */
  version: z.int().min(0),
  updatedAt: z.string().optional(),
  updatedBy: z.object({ id: z.string(), name: z.string() }).optional(),
});
export type SeasonQuestions = z.infer<typeof SeasonQuestions>;

/** The spec's wording (schemas/labels.ts), used until a coordinator changes a season's. */
export const DEFAULT_QUESTIONS: Readonly<QuestionWording> = DEFAULT_QUESTION_TEXT;
