import type { Item } from '#commons/table';
import type { VisitHistoryEntry } from '#schemas/index';
import { keys } from '#schemas/keys';

/** A town's visit in its county's history (the town-choice rule reads the last four seasons). */
export function visitedItem(entry: VisitHistoryEntry): Item {
  return { ...keys.visited(entry.countyId, entry.season), type: 'visited', ...entry };
}
