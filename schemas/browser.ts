/*
 * What the pages get of the schemas: the very zod schemas the API validates with, and the same
 * bilingual messages. Bundled by schemas/browser-bundle.ts into pages/lib/schemas.js.
 */

export {
  ACTIVITY_LABELS,
  actorLabel,
  DEFAULT_QUESTION_TEXT,
  FIGURE_KEYS,
  FIGURE_LABELS,
  FUNNEL_KEYS,
  LOG_KIND_LABELS,
  MESSAGE_STATUS_LABELS,
  NEED_STATUS_LABELS,
  OFFER_STATUS_LABELS,
  OUTCOME_LABELS,
  PEOPLE_FIGURE_KEYS,
  PEOPLE_FIGURE_LABELS,
  ROLE_LABELS,
  ROUND_STATUS_LABELS,
  SCHEDULE_NONE_LABEL,
  SCHEDULE_STATUS_LABELS,
  START_OUTCOME_LABELS,
  seasonLabel,
} from './labels.ts';
export { validate } from './messages.ts';
export { NEED_STATUSES } from './need.ts';
export {
  FIELD_LABELS,
  NeedInput,
  NeedPatch,
  STATUS_LABELS,
  THEME_LABELS,
  URGENCY_LABELS,
} from './need-api.ts';
export { overrideCostWords } from './override-cost-words.ts';
export { THEMES, URGENCIES } from './primitives.ts';
export { ScheduleInput } from './schedule.ts';
export { seasonOfInstant, shanghaiDate, shanghaiDateTime } from './shanghai-time.ts';
export { ACTIVITY_KINDS, EXPERT_TITLES, MAX_REPORT_ACTIVITIES, MAX_REPORT_EXPERTS } from './teams.ts';
