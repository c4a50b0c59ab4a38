import * as z from 'zod';
import { Need, NeedStatus, StoredNeed } from './need.ts';
import { SeasonId, Slug, Theme, text, Urgency } from './primitives.ts';

/*
 * The shapes of the needs API (POST/GET/PATCH /needs…). The handlers, the `rounds needs import`
 * command, the OpenAPI document and the liaisons' form in the browser all validate with these,
 * so a field the form accepts is a field the API accepts. No Node.js imports here: this module is
 * bundled for the browser (see schemas/browser.ts).
 */

/** What a liaison submits: `POST /needs`. Unknown keys are refused, so a typo is never dropped silently. */
export const NeedInput = z.strictObject({
  countyId: Slug,
  townId: Slug,
  theme: Theme,
  field: Need.shape.field,
  title: Need.shape.title,
  detail: Need.shape.detail,
  urgency: Urgency,
});
export type NeedInput = z.infer<typeof NeedInput>;

/** `PATCH /needs/{id}`: any of the editable fields, at least one. The county of a need never changes. */
export const NeedPatch = z
  .strictObject({
    townId: Slug,
    theme: Theme,
    field: Need.shape.field,
    title: Need.shape.title,
    /** An empty string removes the detail. */
    detail: text(4000),
    urgency: Urgency,
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, {
    error: 'must name at least one field to change',
    params: { zh: '请至少修改一个字段' },
    // Only when the fields themselves are fine: `{ countyId }` is about countyId, not an empty change.
    when: (payload) => payload.issues.length === 0,
  });
export type NeedPatch = z.infer<typeof NeedPatch>;

/** `POST /needs/{id}/withdraw`: the body is optional. */
export const WithdrawInput = z.strictObject({ reason: text(500).optional() });
export type WithdrawInput = z.infer<typeof WithdrawInput>;

export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 100;

/** `GET /needs` query parameters. `season` is the quarter (Asia/Shanghai) the need was submitted in. */
export const NeedListQuery = z.strictObject({
  countyId: Slug.optional(),
  townId: Slug.optional(),
  status: NeedStatus.optional(),
  season: SeasonId.optional(),
  cursor: z.string().min(1).max(2048).optional(),
  limit: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX).optional(),
});
export type NeedListQuery = z.infer<typeof NeedListQuery>;

/** A stored need as the API returns it. */
export const NeedView = StoredNeed.extend({
  updatedAt: z.string().optional(),
  withdrawnAt: z.string().optional(),
  withdrawReason: z.string().optional(),
});
export type NeedView = z.infer<typeof NeedView>;

export const NeedPage = z.object({
  items: z.array(NeedView),
  /** Present when there may be more: pass it back as `cursor` with the same filters. */
  cursor: z.string().optional(),
});
export type NeedPage = z.infer<typeof NeedPage>;

/** `Idempotency-Key` request header: printable ASCII, 1-128 characters (a UUID is typical). */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, { error: 'must be 1 to 128 printable ASCII characters, e.g. a UUID' });

export const ApiFieldIssue = z.object({
  path: z.string(),
  /** `中文 / English`. */
  message: z.string(),
  zh: z.string().optional(),
  en: z.string().optional(),
});

/** Every error response of the API. */
export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(ApiFieldIssue).optional(),
  }),
});

// ---- labels, shared by the form, the CLI import and the error messages -------------------------

export type Bilingual = { readonly zh: string; readonly en: string };

export const THEME_LABELS: Readonly<Record<Theme, Bilingual>> = {
  talent: { zh: '人才引智', en: 'Talent' },
  industry: { zh: '科技兴业', en: 'Industry' },
  literacy: { zh: '科普素养', en: 'Science literacy' },
  advice: { zh: '建言献策', en: 'Expert advice' },
  grassroots: { zh: '强基固本', en: 'Grassroots' },
};

export const URGENCY_LABELS: Readonly<Record<Urgency, Bilingual>> = {
  low: { zh: '不急', en: 'Low' },
  normal: { zh: '一般', en: 'Normal' },
  high: { zh: '紧急', en: 'High' },
};

export const STATUS_LABELS: Readonly<Record<NeedStatus, Bilingual>> = {
  open: { zh: '待解决', en: 'Open' },
  resolved: { zh: '已解决', en: 'Resolved' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
};

/** Field names as people read them. */
export const FIELD_LABELS: Readonly<Record<string, Bilingual>> = {
  countyId: { zh: '县（市、区）', en: 'County' },
  townId: { zh: '乡镇（街道）', en: 'Town' },
  theme: { zh: '主题', en: 'Theme' },
  field: { zh: '领域', en: 'Field' },
  title: { zh: '标题', en: 'Title' },
  detail: { zh: '详情', en: 'Detail' },
  urgency: { zh: '紧急程度', en: 'Urgency' },
  reason: { zh: '原因', en: 'Reason' },
  status: { zh: '状态', en: 'Status' },
  season: { zh: '季度', en: 'Season' },
  cursor: { zh: '翻页标记', en: 'Cursor' },
  limit: { zh: '每页条数', en: 'Page size' },
  needId: { zh: '需求编号', en: 'Need id' },
  assignmentId: { zh: '邀请编号', en: 'Assignment id' },
  visitId: { zh: '走访编号', en: 'Visit id' },
  format: { zh: '格式', en: 'Format' },
  note: { zh: '备注', en: 'Note' },
  visitDate: { zh: '走访日期', en: 'Visit date' },
  partner: { zh: '合作方', en: 'Partner' },
  'Idempotency-Key': { zh: '幂等键', en: 'Idempotency-Key' },
  // A person (users: invitations, their own details; a report's experts).
  name: { zh: '姓名', en: 'Name' },
  role: { zh: '角色', en: 'Role' },
  county: { zh: '所属县', en: 'County' },
  society: { zh: '所属学会', en: 'Society' },
  phone: { zh: '手机号', en: 'Mobile number' },
  email: { zh: '电子邮件', en: 'E-mail' },
  webhook: { zh: '群机器人地址', en: 'Group robot address' },
  // Scoped by the parent key: the same key means another thing there (messages.ts, `labelOf`).
  'contact.name': { zh: '联系人', en: 'Contact person' },
  'contact.webhookSecret': { zh: '加签密钥', en: 'Signing secret' },
  'contact.webhookKind': { zh: '机器人类型', en: 'Robot kind' },
  'name.zh': { zh: '中文名称', en: 'Chinese name' },
  'name.en': { zh: '英文名称', en: 'English name' },
};
