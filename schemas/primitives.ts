import { z } from 'zod';

/** Ids are lowercase slugs so they are safe in keys, URLs and file names. */
export const Slug = z
  .string()
  .regex(/^[a-z0-9-]{1,64}$/, { error: 'must be a lowercase slug: a-z, 0-9 and "-", 1 to 64 characters' });
export type Slug = z.infer<typeof Slug>;

/** A season is a calendar quarter, e.g. `2026-Q4`. */
export const SeasonId = z
  .string()
  .regex(/^\d{4}-Q[1-4]$/, { error: 'must be a season like 2026-Q4 (year, "-Q", quarter 1-4)' });
export type SeasonId = z.infer<typeof SeasonId>;

/** The five questions of 一镇五问, in their fixed order. The keys are a contract; wording is per season. */
export const THEMES = ['talent', 'industry', 'literacy', 'advice', 'grassroots'] as const;
export const Theme = z.enum(THEMES);
export type Theme = z.infer<typeof Theme>;

export const URGENCIES = ['low', 'normal', 'high'] as const;
export const Urgency = z.enum(URGENCIES);
export type Urgency = z.infer<typeof Urgency>;
export const URGENCY_WEIGHT: Readonly<Record<Urgency, number>> = { high: 3, normal: 2, low: 1 };

export const LocalizedName = z.object({
  zh: z.string().trim().min(1).max(100),
  en: z.string().trim().min(1).max(100),
});
export type LocalizedName = z.infer<typeof LocalizedName>;

export const IsoDateTime = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 date-time, e.g. 2026-10-01T09:00:00+08:00',
});
