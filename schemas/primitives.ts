import * as z from 'zod';

/** Ids are lowercase slugs so they are safe in keys, URLs and file names. */
export const Slug = z
  .string()
  .regex(/^[a-z0-9-]{1,64}$/, { error: 'must be a lowercase slug: a-z, 0-9 and "-", 1 to 64 characters' });
export type Slug = z.infer<typeof Slug>;

/** A need's id (path parameter `needId`): a slug, so never over DynamoDB's key limit. */
export const NeedId = Slug;

/** A season is a calendar quarter, e.g. `2026-Q4`. */
export const SeasonId = z
  .string()
  .regex(/^\d{4}-Q[1-4]$/, { error: 'must be a season like 2026-Q4 (year, "-Q", quarter 1-4)' });
export type SeasonId = z.infer<typeof SeasonId>;

/** A visit is one county's visit in one season: `2026-Q4.chunan`. */
export const VisitId = z
  .string()
  .regex(/^\d{4}-Q[1-4]\.[a-z0-9-]{1,64}$/, { error: 'must be a visit id like 2026-Q4.chunan' });

/** An offer to one society for one visit (an "assignment" in the API): `2026-Q4.chunan.zj-agri`. */
export const AssignmentId = z.string().regex(/^\d{4}-Q[1-4]\.[a-z0-9-]{1,64}\.[a-z0-9-]{1,64}$/, {
  error: 'must be an assignment id like 2026-Q4.chunan.zj-agri',
});

// ---- text people type -------------------------------------------------------------------------------

/** C0 and C1 control characters except tab and newline (a CR only as part of CRLF). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|\r(?!\n)/;
/**
 * What renders as nothing: white space, zero-width characters and joiners, bidirectional marks,
 * embeddings, overrides and isolates, fillers, variation selectors, the soft hyphen, tag characters.
 */
const INVISIBLE_CHARACTERS =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: each is removed on its own, combining or not
  /[\s\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\u{E0000}-\u{E007F}]/gu;

/**
 * Unicode's noncharacters (U+FDD0–U+FDEF and the last two code points of every plane): never text
 * people mean, and U+FFFE and U+FFFF make an XML file (an XLSX export) unreadable.
 */
const NONCHARACTERS = /\p{Noncharacter_Code_Point}/u;

/**
 * A text field people type (titles, details, reasons, answers, names): trimmed, at most `max`
 * characters, at least `min` (default 0), and clean — no control characters other than newline and
 * tab, no lone surrogates (broken UTF-16), no noncharacters, and not made only of invisible characters.
 */
export function text(max: number, min = 0) {
  let schema = z.string().trim();
  if (min > 0) schema = schema.min(min);
  return schema
    .max(max)
    .refine((value) => !CONTROL_CHARACTERS.test(value), {
      error: 'must not contain control characters (other than newline and tab)',
      params: { zh: '不能含有控制字符（换行和制表符除外）' },
    })
    .refine((value) => value.isWellFormed(), {
      error: 'must not contain broken characters (lone surrogates)',
      params: { zh: '含有无效字符（孤立的代理项）' },
    })
    .refine((value) => !NONCHARACTERS.test(value), {
      error: 'must not contain Unicode noncharacters (such as U+FFFE or U+FFFF)',
      params: { zh: '含有无效字符（Unicode 非字符，如 U+FFFE、U+FFFF）' },
    })
    .refine((value) => value === '' || value.replace(INVISIBLE_CHARACTERS, '') !== '', {
      error: 'must not consist of invisible characters only',
      params: { zh: '不能只有不可见字符' },
    });
}

/** The five questions of 一镇五问, in their fixed order. The keys are a contract; wording is per season. */
export const THEMES = ['talent', 'industry', 'literacy', 'advice', 'grassroots'] as const;
export const Theme = z.enum(THEMES);
export type Theme = z.infer<typeof Theme>;

export const URGENCIES = ['low', 'normal', 'high'] as const;
export const Urgency = z.enum(URGENCIES);
export type Urgency = z.infer<typeof Urgency>;
export const URGENCY_WEIGHT: Readonly<Record<Urgency, number>> = { high: 3, normal: 2, low: 1 };

export const LocalizedName = z.object({ zh: text(100, 1), en: text(100, 1) });
export type LocalizedName = z.infer<typeof LocalizedName>;

/** One of the five questions as people read it, Chinese and English (its wording is per season). */
export const QuestionText = z.object({ zh: text(300, 1), en: text(300, 1) });
export type QuestionText = z.infer<typeof QuestionText>;

/** `PUT /seasons/{season}/questions`: the five questions' wording, every theme named once. */
export const QuestionWording = z.strictObject(
  Object.fromEntries(THEMES.map((theme) => [theme, QuestionText])) as Record<Theme, typeof QuestionText>,
);
export type QuestionWording = z.infer<typeof QuestionWording>;

export const IsoDateTime = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 date-time, e.g. 2026-10-01T09:00:00+08:00',
});
