import * as z from 'zod';
import { SeasonId, Slug, text } from './primitives.ts';

/** Why the coordinator made the override; shown in the plan's explanation. */
const Note = text(500, 1);

/** The society joins the county's visit this season, whatever the objective prefers. */
export const SocietyPin = z.strictObject({ societyId: Slug, countyId: Slug, note: Note.optional() });
export type SocietyPin = z.infer<typeof SocietyPin>;

/** The society joins no visit this season, or (with `countyId`) not that county's visit. */
export const SocietyExclusion = z.strictObject({
  societyId: Slug,
  countyId: Slug.optional(),
  note: Note.optional(),
});
export type SocietyExclusion = z.infer<typeof SocietyExclusion>;

/** The county's visit goes to this town instead of the one town choice would choose. */
export const TownLock = z.strictObject({ countyId: Slug, townId: Slug, note: Note.optional() });
export type TownLock = z.infer<typeof TownLock>;

/**
 * A coordinator's overrides of the planner (`overrides.json` in a data directory, or
 * `rounds plan --overrides FILE`). `season`, when given, must be the season planned.
 */
export const Overrides = z.strictObject({
  season: SeasonId.optional(),
  pins: z.array(SocietyPin).default([]),
  exclusions: z.array(SocietyExclusion).default([]),
  townLocks: z.array(TownLock).default([]),
});
export type Overrides = z.infer<typeof Overrides>;
export type OverridesInput = z.input<typeof Overrides>;
