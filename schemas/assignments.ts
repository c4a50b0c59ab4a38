import * as z from 'zod';
import { NeedStatus } from './need.ts';
import {
  AssignmentId,
  IsoDateTime,
  LocalizedName,
  QuestionText,
  SeasonId,
  Slug,
  Theme,
  Urgency,
  VisitId,
} from './primitives.ts';
import { VisitReport } from './teams.ts';

/*
 * What the team's assignment routes answer (functions/routes/assignments.ts). Apart from api.ts so
 * that the teams' functions do not bundle every other route's schemas (zod schemas are not
 * tree-shaken: each is built when its module loads).
 */

/** `POST /assignments/{assignmentId}/accept|decline`. */
export const AssignmentAnswer = z.object({
  id: AssignmentId,
  decision: z.enum(['accept', 'decline']),
  decidedBy: z.string(),
  answeredAt: IsoDateTime,
  status: z.string(),
  reason: z.string().optional(),
});

const AssignmentNeed = z.object({
  id: Slug,
  theme: Theme.optional(),
  field: z.string().optional(),
  title: z.string().optional(),
  detail: z.string().optional(),
  urgency: Urgency.optional(),
  status: NeedStatus.optional(),
  /** The need is this society's to answer (it is on this offer). */
  mine: z.boolean(),
});

const AssignmentView = z.object({
  id: AssignmentId,
  season: SeasonId,
  visitId: VisitId,
  countyId: Slug,
  townId: Slug,
  county: LocalizedName,
  town: LocalizedName,
  status: z.string(),
  attempt: z.int().min(1),
  needIds: z.array(Slug),
  needs: z.array(AssignmentNeed),
  questions: z.array(
    z.object({
      theme: Theme,
      needIds: z.array(Slug),
      text: QuestionText.optional(),
      needs: z.array(AssignmentNeed),
    }),
  ),
  offeredAt: IsoDateTime,
  deadline: z.string().optional(),
  decision: z.enum(['accept', 'decline']).optional(),
  answeredAt: IsoDateTime.optional(),
  reason: z.string().optional(),
  report: z
    .object({
      version: z.int().min(1),
      reportedAt: IsoDateTime,
      reportedBy: z.string(),
      input: VisitReport.pick({
        visitDate: true,
        answers: true,
        outcomes: true,
        cooperations: true,
        experts: true,
        activities: true,
      }),
    })
    .nullable(),
});

/** `GET /assignments`: the team's offers waiting for an answer, confirmed visits, earlier ones, messages. */
export const AssignmentList = z.object({
  societyId: Slug,
  offers: z.array(AssignmentView),
  visits: z.array(AssignmentView),
  earlier: z.array(AssignmentView),
  messages: z.array(
    z.object({
      id: z.string(),
      season: SeasonId,
      kind: z.enum(['offer', 'reminder', 'reassigned', 'alert']).optional(),
      subject: z.string(),
      body: z.string(),
      createdAt: IsoDateTime,
      notBefore: z.string().optional(),
      status: z.enum(['queued', 'sent', 'cancelled']),
      sentAt: z.string().optional(),
    }),
  ),
});
