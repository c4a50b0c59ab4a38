import { type Bilingual, STATUS_LABELS, THEME_LABELS, URGENCY_LABELS } from './need-api.ts';
import type { Theme } from './primitives.ts';
import type { ROUND_STATUSES, ShownOfferStatus, VisitLogKind } from './round.ts';
import type { ScheduleStatus } from './schedule.ts';
import type { ActivityKind, NeedOutcome } from './teams.ts';
import type { UserRole } from './users.ts';

/*
 * Every word a person reads for a stored status, kind or figure: the pages (bundled into
 * pages/lib/schemas.js), the exports and the server's messages take them from here, so a status
 * reads the same everywhere and no raw status word reaches a page.
 */

export type { Bilingual };
export { STATUS_LABELS as NEED_STATUS_LABELS, THEME_LABELS, URGENCY_LABELS };

export const OFFER_STATUS_LABELS: Readonly<Record<ShownOfferStatus, Bilingual>> = {
  proposed: { zh: '拟派（待批准，未发出）', en: 'Proposed (awaiting approval, not sent)' },
  offered: { zh: '待答复', en: 'Awaiting answer' },
  accepted: { zh: '已接受', en: 'Accepted' },
  declined: { zh: '已婉拒', en: 'Declined' },
  expired: { zh: '逾期未答复', en: 'No answer in time' },
  reassigned: { zh: '已改派', en: 'Reassigned' },
  withdrawn: { zh: '审核时撤下（未发出）', en: 'Withdrawn at review (never sent)' },
};

export type RoundStatus = (typeof ROUND_STATUSES)[number];
export const ROUND_STATUS_LABELS: Readonly<Record<RoundStatus, Bilingual>> = {
  running: { zh: '进行中', en: 'Running' },
  planned: { zh: '已计划，等待答复', en: 'Planned, offers out' },
  'awaiting-approval': { zh: '计划待协调人批准', en: 'Plan awaiting approval' },
  approved: { zh: '计划已批准，等待答复', en: 'Plan approved, offers out' },
  completed: { zh: '已完成', en: 'Completed' },
};

/** What a visit did (讲座, 培训…): the visit report's activities. */
export const ACTIVITY_LABELS: Readonly<Record<ActivityKind, Bilingual>> = {
  lecture: { zh: '科普讲座', en: 'Lecture' },
  training: { zh: '技术培训', en: 'Training' },
  'field-guidance': { zh: '现场指导', en: 'Field guidance' },
  consultation: { zh: '咨询服务', en: 'Consultation' },
};

/** The range report's people figures, beside the season's (docs/rules.md defines each). */
export const PEOPLE_FIGURE_KEYS = [
  'expertVisits',
  'academicianVisits',
  'experts',
  'societies',
  'participants',
] as const;
export type PeopleFigureKey = (typeof PEOPLE_FIGURE_KEYS)[number];
export const PEOPLE_FIGURE_LABELS: Readonly<Record<PeopleFigureKey, Bilingual>> = {
  expertVisits: { zh: '专家人次', en: 'Expert visits' },
  academicianVisits: { zh: '院士人次', en: 'Academician visits' },
  experts: { zh: '专家人数', en: 'Experts (people)' },
  societies: { zh: '服务学会', en: 'Societies' },
  participants: { zh: '服务群众人次', en: 'People reached' },
};

export const OUTCOME_LABELS: Readonly<Record<NeedOutcome, Bilingual>> = {
  resolved: { zh: '已解决', en: 'Resolved' },
  partial: { zh: '部分解决', en: 'Partly resolved' },
  unresolved: { zh: '未解决', en: 'Unresolved' },
};

export const LOG_KIND_LABELS: Readonly<Record<VisitLogKind, Bilingual>> = {
  planned: { zh: '已计划', en: 'Planned' },
  offered: { zh: '已发出邀请', en: 'Offered' },
  accepted: { zh: '已接受', en: 'Accepted' },
  declined: { zh: '已婉拒', en: 'Declined' },
  'timed-out': { zh: '逾期未答复', en: 'Timed out' },
  reassigned: { zh: '已改派', en: 'Reassigned' },
  reported: { zh: '已提交报告', en: 'Report filed' },
  edited: { zh: '已修改报告', en: 'Report edited' },
  failed: { zh: '失败', en: 'Failed' },
  'date-proposed': { zh: '提出走访日期', en: 'Visit date proposed' },
  'date-confirmed': { zh: '确认走访日期', en: 'Visit date confirmed' },
};

/** A visit date's state (schemas/schedule.ts); no date yet reads `SCHEDULE_NONE_LABEL`. */
export const SCHEDULE_STATUS_LABELS: Readonly<Record<ScheduleStatus, Bilingual>> = {
  proposed: { zh: '日期待确认', en: 'Date proposed, awaiting confirmation' },
  confirmed: { zh: '日期已确认', en: 'Date confirmed' },
};
export const SCHEDULE_NONE_LABEL: Bilingual = { zh: '尚未约定日期', en: 'No date agreed yet' };

export const MESSAGE_STATUS_LABELS: Readonly<Record<string, Bilingual>> = {
  queued: { zh: '待发送', en: 'Queued' },
  sending: { zh: '发送中', en: 'Sending' },
  sent: { zh: '已发送', en: 'Sent' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  failed: { zh: '发送失败', en: 'Not delivered' },
};

export const ROLE_LABELS: Readonly<Record<UserRole, Bilingual>> = {
  coordinator: { zh: '协调人', en: 'Coordinator' },
  liaison: { zh: '县联络员', en: 'County liaison' },
  team: { zh: '学会团队', en: 'Society team' },
};

/** What `POST /rounds` did: the dashboard's start button says it in words, never the execution's ARN. */
export const START_OUTCOMES = ['started', 'running', 'completed'] as const;
export type StartOutcome = (typeof START_OUTCOMES)[number];
export const START_OUTCOME_LABELS: Readonly<Record<StartOutcome, Bilingual>> = {
  started: { zh: '已启动{season}轮次', en: 'The {season} round has started' },
  running: {
    zh: '{season}轮次已在进行中，未重复启动',
    en: 'The {season} round is already running; nothing new was started',
  },
  completed: {
    zh: '{season}轮次已完成，未重复启动',
    en: 'The {season} round has already completed; nothing new was started',
  },
};

/** The round's own steps write `by: 'round-state-machine'`. */
export const SYSTEM_ACTOR: Bilingual = { zh: '系统（轮次）', en: 'System (the round)' };

/**
 * Who did a logged step, from its `by` (`<society>:<person>`, `<role>:<person>` or the round):
 * the society's name, the role, or the system; never the raw id.
 */
export function actorLabel(by: string, societyName: (id: string) => Bilingual | undefined): Bilingual {
  const [who] = by.split(':');
  if (!who || by === 'round-state-machine') return SYSTEM_ACTOR;
  if (who in ROLE_LABELS) return ROLE_LABELS[who as keyof typeof ROLE_LABELS];
  return societyName(who) ?? ROLE_LABELS.team;
}

/** `2026-Q4` as people say it. */
export function seasonLabel(season: string): Bilingual {
  const match = /^(\d{4})-Q([1-4])$/.exec(season);
  if (!match) return { zh: season, en: season };
  const quarter = ['一', '二', '三', '四'][Number(match[2]) - 1];
  return { zh: `${match[1]} 年第${quarter}季度`, en: `${match[1]} Q${match[2]}` };
}

/**
 * The season's figures (domain/season-figures.ts), in the order every surface shows them: API
 * JSON keys, CSV / XLSX columns, the dashboard funnel and the terminal. One label, one number,
 * one definition (the README lists the same).
 */
export const FIGURE_KEYS = [
  'collected',
  'onVisit',
  'assigned',
  'unassigned',
  'visited',
  'handled',
  'cooperations',
  'carriedOver',
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

export const FIGURE_LABELS: Readonly<
  Record<FigureKey, Bilingual & { unit: Bilingual; definition: Bilingual }>
> = {
  collected: {
    zh: '收集需求',
    en: 'Needs collected',
    unit: { zh: '项', en: 'needs' },
    definition: {
      zh: '本季（北京时间季度）在该县提交的全部需求，任何乡镇、任何状态',
      en: 'every need submitted in the county during the season (Asia/Shanghai quarter), any town, any status',
    },
  },
  onVisit: {
    zh: '本次走访涉及需求',
    en: 'Needs on the visit',
    unit: { zh: '项', en: 'needs' },
    definition: {
      zh: '本季走访乡镇五问所列的需求（计划时仍未解决的，不论何时提交）',
      en: 'the needs listed under the five questions of the season’s visit (open when planned, submitted in any season)',
    },
  },
  assigned: {
    zh: '已分派',
    en: 'Assigned',
    unit: { zh: '项', en: 'needs' },
    definition: {
      zh: '本次走访涉及需求中，在学会待答复或已接受的邀请上的',
      en: 'needs on the visit that are on a society’s offer awaiting an answer or accepted',
    },
  },
  unassigned: {
    zh: '未分派',
    en: 'Unassigned',
    unit: { zh: '项', en: 'needs' },
    definition: {
      zh: '本次走访涉及需求中，没有学会承接的（本次走访涉及需求 − 已分派）',
      en: 'needs on the visit no society holds (needs on the visit − assigned)',
    },
  },
  visited: {
    zh: '已走访',
    en: 'Visited',
    unit: { zh: '个乡镇', en: 'towns' },
    definition: {
      zh: '至少一个学会已提交走访报告的乡镇（每县每季至多 1 个）',
      en: 'towns whose visit report at least one society has filed (at most 1 per county and season)',
    },
  },
  handled: {
    zh: '已办结',
    en: 'Handled',
    unit: { zh: '项', en: 'needs' },
    definition: {
      zh: '本次走访涉及需求中，学会最新报告结果为“已解决”的',
      en: 'needs on the visit whose outcome in the society’s latest report is resolved',
    },
  },
  cooperations: {
    zh: '达成合作',
    en: 'Cooperations',
    unit: { zh: '项', en: 'cooperations' },
    definition: {
      zh: '各学会最新报告所列合作之和',
      en: 'the cooperations listed in each society’s latest report, summed',
    },
  },
  carriedOver: {
    zh: '结转下季',
    en: 'Carried over',
    unit: { zh: '项', en: 'needs' },
    definition: {
      zh: '本次走访涉及需求中未办结的，留待以后季度（本次走访涉及需求 − 已办结）',
      en: 'needs on the visit not handled, left open for later seasons (needs on the visit − handled)',
    },
  },
};

/** The dashboard's funnel, top to bottom. */
export const FUNNEL_KEYS: readonly FigureKey[] = [
  'collected',
  'onVisit',
  'assigned',
  'visited',
  'handled',
  'cooperations',
];

/** The five questions' default wording (a season may set its own; a visit keeps what it was framed with). */
export const DEFAULT_QUESTION_TEXT: Readonly<Record<Theme, Bilingual>> = {
  talent: { zh: '镇里需要哪些专业人才或专家？', en: 'What expertise or people does the town need?' },
  industry: { zh: '哪项本地产业遇到了技术难题？', en: 'Which local industry has a technical problem?' },
  literacy: { zh: '需要面向哪些人群开展什么科普？', en: 'What science-popularisation is needed, for whom?' },
  advice: { zh: '哪项本地决策需要专家建议？', en: 'Which local decision needs expert advice?' },
  grassroots: {
    zh: '基层科协组织需要哪些支持？',
    en: 'What does the grassroots science organisation need?',
  },
};
