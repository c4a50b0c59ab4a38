import * as z from 'zod';
import { County, Society } from './catalog.ts';
import { Need } from './need.ts';
import { VisitHistoryEntry } from './plan.ts';

/** The files of a data directory (docs/rules.md, the data directory), by file name. */
export const DATA_FILES = {
  'counties.json': { schema: z.array(County), required: true },
  'societies.json': { schema: z.array(Society), required: true },
  'needs.json': { schema: z.array(Need), required: true },
  'visits.json': { schema: z.array(VisitHistoryEntry), required: false },
} as const;

export interface DataSet {
  counties: County[];
  societies: Society[];
  needs: Need[];
  visits: z.infer<typeof VisitHistoryEntry>[];
}
