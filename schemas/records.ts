import * as z from 'zod';
import { WEBHOOK_KINDS } from './delivery.ts';
import { NeedStatus } from './need.ts';
import { THEMES, Theme, Urgency } from './primitives.ts';
import { OfferStatus, ROUND_STATUSES, VisitLogKind } from './round.ts';
import { FramedVisit } from './round-io.ts';
import { VisitSchedule } from './schedule.ts';
import { ActivityKind, NeedOutcome } from './teams.ts';

/*
 * The items of the single table, as stored (keys: schemas/keys.ts). The store reads every item back
 * through its schema (`parseRecord`), so a malformed item is an error naming its key, never a silent
 * cast. These check structure, not the input rules of the API: a record written under older,
 * looser rules still reads.
 */

const Text = z.string();
const Instant = z.string().min(1);
const Name = z.object({ zh: Text, en: Text });

/** A county's or society's contact; the robot's secret is stored, and only the store reads it. */
const ContactRecord = z.object({
  name: Text.optional(),
  email: Text.optional(),
  phone: Text.optional(),
  webhook: Text.optional(),
  webhookSecret: Text.optional(),
  webhookKind: z.enum(WEBHOOK_KINDS).optional(),
});

export const CountyRecord = z.object({
  id: Text,
  name: Name,
  towns: z.array(z.object({ id: Text, name: Name })),
  contact: ContactRecord.optional(),
});
export type CountyRecord = z.infer<typeof CountyRecord>;

export const SocietyRecord = z.object({
  id: Text,
  name: Name,
  themes: z.array(Theme),
  fields: z.array(Text),
  capacityPerSeason: z.int().min(0),
  contact: ContactRecord.optional(),
});
export type SocietyRecord = z.infer<typeof SocietyRecord>;

/** A need with its life cycle: edits, withdrawal, and the visit that resolved it. */
export const NeedRecord = z.object({
  id: Text,
  countyId: Text,
  townId: Text,
  theme: Theme,
  field: Text,
  title: Text,
  detail: Text.optional(),
  urgency: Urgency,
  submittedAt: Instant,
  status: NeedStatus,
  submittedBy: Text.optional(),
  updatedAt: Instant.optional(),
  updatedBy: Text.optional(),
  withdrawnAt: Instant.optional(),
  withdrawnBy: Text.optional(),
  withdrawReason: Text.optional(),
  resolvedIn: Text.optional(),
  resolvedAt: Instant.optional(),
});
export type NeedRecord = z.infer<typeof NeedRecord>;

/** A county's past visit (its visit history). */
export const VisitedRecord = z.object({ season: Text, countyId: Text, townId: Text });
export type VisitedRecord = z.infer<typeof VisitedRecord>;

export const RoundRecord = z.object({
  season: Text,
  status: z.enum(ROUND_STATUSES),
  startedAt: Instant,
  plannedAt: Instant.optional(),
  /** The plan review (AwaitPlanApproval): the waiting task's token and when it times out. */
  approvalToken: Text.optional(),
  approvalDeadline: Instant.optional(),
  /** Who approved the plan: a coordinator's user id, `timeout` or `auto-approve`. */
  approvedBy: Text.optional(),
  approvedAt: Instant.optional(),
  /** A coordinator's re-plan in progress (PUT overrides), until this instant. */
  replanUntil: Instant.optional(),
  completedAt: Instant.optional(),
  summary: z.record(Text, z.number()).optional(),
});
export type RoundRecord = z.infer<typeof RoundRecord>;

/** `text`: the wording the visit was framed with (absent on visits framed before wording was kept). */
const StoredQuestion = z.object({ theme: Theme, needIds: z.array(Text), text: Name.optional() });
const StoredAssignment = z.object({ societyId: Text, needIds: z.array(Text) });

/** A planned visit of a season. */
export const VisitRecord = z.object({
  id: Text,
  season: Text,
  countyId: Text,
  townId: Text,
  questions: z.array(StoredQuestion),
  ranking: z.array(z.unknown()),
  unassignedNeedIds: z.array(Text),
  /** Why this town and these societies (domain/explain.ts), stored with the plan. */
  explain: z.unknown().optional(),
  plannedAt: Instant,
});
export type VisitRecord = z.infer<typeof VisitRecord>;

/** A county's draft visit: the framed visit as JSON (SaveDraftVisit), then AssignSocieties' result. */
export const DraftRecord = z.object({
  visit: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(FramedVisit),
  assignments: z.array(StoredAssignment).optional(),
  unassignedNeedIds: z.array(Text).optional(),
  explain: z.unknown().optional(),
});
export type DraftRecord = z.infer<typeof DraftRecord>;

export const OfferRecord = z.object({
  id: Text,
  season: Text,
  visitId: Text,
  countyId: Text,
  townId: Text,
  societyId: Text,
  needIds: z.array(Text),
  status: OfferStatus,
  createdAt: Instant,
  offeredAt: Instant.optional(),
  taskToken: Text.optional(),
  decision: z.enum(['accept', 'decline']).optional(),
  decidedBy: Text.optional(),
  /** A decline's reason; null for an acceptance. */
  reason: Text.nullish(),
  answeredAt: Instant.optional(),
  /** When the round recorded how the offer ended. */
  settledAt: Instant.optional(),
  /** 1 for a planned offer, 2 and 3 for the societies its needs moved to (offers and reassignment, docs/rules.md). */
  attempt: z.int().min(1).optional(),
  /** The offer whose needs this one took over. */
  replaces: Text.optional(),
  /** The offer that took over this one's needs (status `reassigned`). */
  reassignedTo: Text.optional(),
  reassignedAt: Instant.optional(),
  /** How a reassigned offer ended. */
  endedAs: z.enum(['declined', 'expired']).optional(),
  /** When the waiting task times out. */
  deadline: Instant.optional(),
  /** A coordinator placed it by hand (POST /seasons/{season}/needs/{needId}/assign). */
  placedBy: Text.optional(),
  /**
   * Refused, and nobody could take its needs: the coordinator's alert FindNextSociety decided on.
   * A re-run sends that alert again and never moves the needs after all.
   */
  alert: z
    .object({ reason: z.enum(['tries-exhausted', 'no-society']), needIds: z.array(Text), at: Instant })
    .optional(),
});
export type OfferRecord = z.infer<typeof OfferRecord>;

/** A society on a county's visit, as the county summary keeps it. */
export const SummaryOfferEntry = z.object({
  needIds: z.array(Text),
  status: OfferStatus,
  /** Which try it was (the plan's offer is 1): the needs sheet lists the societies in this order. */
  attempt: z.int().min(1).optional(),
});
export type SummaryOfferEntry = z.infer<typeof SummaryOfferEntry>;
/** A society's latest report on the visit, as the county summary keeps it (no answers: they are long). */
export const SummaryReportEntry = z.object({
  version: z.int().min(1),
  reportedAt: Instant,
  visitDate: Text,
  outcomes: z.array(z.object({ needId: Text, outcome: NeedOutcome })),
  cooperations: z.array(z.object({ title: Text, partner: Text })),
  /** Who went, and how many people the activities reached (absent on reports filed before). */
  experts: z
    .array(z.object({ name: Text, title: Text.optional(), academician: z.boolean().optional() }))
    .default([]),
  participants: z.int().min(0).default(0),
  /** The activities' kinds, for the typical cases' sentences. */
  activityKinds: z.array(Text).default([]),
});
export type SummaryReportEntry = z.infer<typeof SummaryReportEntry>;

/**
 * A county's season in one small item: its visit's town and needs, each society's offer and latest
 * report. Kept by the same writes (transactions) that change the visit, offers and reports, so the
 * season report reads one page per couple of hundred counties instead of every visit's partition.
 */
export const CountySummaryRecord = z.object({
  season: Text,
  countyId: Text,
  townId: Text.optional(),
  /** The visit's five questions with their needs. */
  questions: z.array(StoredQuestion).optional(),
  /** Needs submitted in the county in this season (Asia/Shanghai quarter), kept with each new need. */
  submitted: z.int().min(0).optional(),
  countyName: Name.optional(),
  townName: Name.optional(),
  plannedAt: Instant.optional(),
  offers: z.record(Text, SummaryOfferEntry),
  reports: z.record(Text, SummaryReportEntry),
  /** A coordinator marked the visit a typical case (POST /visits/{id}/highlight). */
  highlight: z.object({ caption: Text, attachmentId: Text.optional(), by: Text, at: Instant }).optional(),
});
export type CountySummaryRecord = z.infer<typeof CountySummaryRecord>;

/** A society's capacity used in a season (offers it holds). */
export const CapacityRecord = z.object({ societyId: Text, used: z.int().min(0) });
export type CapacityRecord = z.infer<typeof CapacityRecord>;

export const VisitLogRecord = z.object({
  visitId: Text,
  key: Text,
  kind: VisitLogKind,
  at: Instant,
  by: Text,
  detail: z.record(Text, z.unknown()).optional(),
});
export type VisitLogRecord = z.infer<typeof VisitLogRecord>;

/** A round log entry: the state machine writes `failed` ones itself (RecordRoundFailure). */
export const RoundLogRecord = z.object({
  kind: Text,
  season: Text,
  /** Who: `plan-approved` entries name the coordinator, `timeout` or `auto-approve`. */
  by: Text.optional(),
  error: Text.optional(),
  cause: Text.optional(),
  executionId: Text.optional(),
  at: Instant.optional(),
});
export type RoundLogRecord = z.infer<typeof RoundLogRecord>;

/** One version of a visit report. */
export const ReportVersionRecord = z.object({
  visitId: Text,
  season: Text,
  countyId: Text,
  version: z.int().min(1),
  societyId: Text,
  reportedBy: Text,
  reportedAt: Instant,
  visitDate: Text,
  answers: z.object(Object.fromEntries(THEMES.map((theme) => [theme, Text])) as Record<Theme, typeof Text>),
  outcomes: z.array(z.object({ needId: Text, outcome: NeedOutcome, note: Text.optional() })),
  cooperations: z.array(z.object({ title: Text, partner: Text })),
  experts: z
    .array(z.object({ name: Text, title: Text.optional(), academician: z.boolean().optional() }))
    .default([]),
  activities: z
    .array(z.object({ kind: ActivityKind, title: Text.optional(), participants: z.int().min(0) }))
    .default([]),
  attachmentIds: z.array(Text).optional(),
});
export type ReportVersionRecord = z.infer<typeof ReportVersionRecord>;

/**
 * A photo of a visit (functions/store/attachments.ts): `key` is its object in the files port,
 * `by` the uploader (`<society or role>:<subject>`), `size` the bytes announced (then those stored).
 */
export const AttachmentRecord = z.object({
  id: Text,
  visitId: Text,
  key: Text,
  contentType: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  size: z.int().min(1),
  caption: Text.optional(),
  takenAt: Instant.optional(),
  location: z.object({ lat: z.number(), lng: z.number() }).optional(),
  by: Text,
  role: z.enum(['coordinator', 'liaison', 'team']),
  societyId: Text.optional(),
  createdAt: Instant,
  status: z.enum(['pending', 'stored', 'rejected', 'removed']),
  storedAt: Instant.optional(),
  removedAt: Instant.optional(),
  rejectedReason: Text.optional(),
});
export type AttachmentRecord = z.infer<typeof AttachmentRecord>;

/** A report's retry key: which version the first submission with that key filed. */
export const ReportSubmissionRecord = z.object({ societyId: Text, version: z.int().min(1), at: Instant });
export type ReportSubmissionRecord = z.infer<typeof ReportSubmissionRecord>;

/** A visit's date (`SCHEDULE` in the visit's partition): as answered, plus who acted (`society:user`). */
export const ScheduleRecord = VisitSchedule.extend({
  season: Text,
  countyId: Text,
  proposedByActor: Text,
  confirmedByActor: Text.optional(),
});
export type ScheduleRecord = z.infer<typeof ScheduleRecord>;

/** A schedule request's retry key: the schedule it produced, answered again on a retry. */
export const ScheduleSubmissionRecord = z.object({
  schedule: ScheduleRecord,
  /** What was asked (`propose:{…}` / `confirm:{…}`): the same key for another request is a conflict. */
  request: Text.optional(),
});

export const OutboxMessageRecord = z.object({
  id: Text,
  season: Text,
  channel: z.enum(['team', 'coordinator']),
  to: Text,
  subject: Text,
  body: Text,
  createdAt: Instant,
  notBefore: Instant,
  status: z.enum(['queued', 'sent', 'cancelled']),
  societyId: Text.optional(),
  kind: z.enum(['offer', 'reminder', 'reassigned', 'alert']).optional(),
  offerId: Text.optional(),
  sentAt: Instant.optional(),
  attempts: z.int().optional(),
  lastError: Text.optional(),
});
export type OutboxMessageRecord = z.infer<typeof OutboxMessageRecord>;

/** A waiting task of the embedded runtime's `.waitForTaskToken` (local/task-tokens.ts). */
export const TaskTokenRecord = z.object({
  status: z.enum(['waiting', 'succeeded', 'failed']),
  createdAt: Instant.optional(),
  output: Text.nullish(),
  error: Text.nullish(),
  cause: Text.nullish(),
});
export type TaskTokenRecord = z.infer<typeof TaskTokenRecord>;

/** Who did something, as the audit log names them: the user id and the person's name. */
const Actor = z.object({ id: Text, name: Text });

/** One entry of the audit log (append-only): who changed what, when, before → after. */
export const AuditRecord = z.object({
  id: Text,
  at: Instant,
  by: Actor,
  /** `society.create`, `county.update`, `questions.update`, `overrides.update`… */
  action: Text,
  target: z.object({ kind: Text, id: Text, name: Name.optional() }),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  /** Why, when the person gave a reason (e.g. an override's note). */
  note: Text.optional(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

/** One version of a season's five questions' wording. */
export const QuestionsRecord = z.object({
  season: Text,
  version: z.int().min(1),
  wording: z.object(Object.fromEntries(THEMES.map((theme) => [theme, Name])) as Record<Theme, typeof Name>),
  at: Instant,
  by: Actor,
});
export type QuestionsRecord = z.infer<typeof QuestionsRecord>;

// ---- reading ----------------------------------------------------------------------------------------

/** Key attributes and bookkeeping that belong to the table, not to the entity. */
const TABLE_ATTRIBUTES = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'type', 'requestHash']);

/** A stored item that does not match its record's schema: names the item's key and what is wrong. */
export class MalformedItemError extends Error {
  constructor(
    readonly key: { pk: unknown; sk: unknown },
    readonly record: string,
    readonly issues: readonly z.core.$ZodIssue[],
  ) {
    const what = issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(item)'}: ${issue.message}`)
      .join('; ');
    super(
      `存储的记录格式错误 / malformed stored ${record} (pk=${String(key.pk)}, sk=${String(key.sk)}): ${what}`,
    );
    this.name = 'MalformedItemError';
  }
}

/** The entity an item holds, read through its record's schema (the table's own attributes left out). */
export function parseRecord<S extends z.ZodType>(
  schema: S,
  record: string,
  item: Record<string, unknown>,
): z.output<S> {
  const entity: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) if (!TABLE_ATTRIBUTES.has(name)) entity[name] = value;
  const parsed = schema.safeParse(entity);
  if (!parsed.success)
    throw new MalformedItemError({ pk: item.pk, sk: item.sk }, record, parsed.error.issues);
  return parsed.data;
}
