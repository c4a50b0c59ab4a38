import type { Item } from '#commons/table';
import type { StoredNeed } from '#schemas/index';
import { keys } from '#schemas/keys';

/** A need as stored, with its index keys. */
export function needItem(need: StoredNeed): Item {
  return {
    ...keys.need(need.id),
    ...keys.needIndex(need.countyId, need.status, need.townId, need.id),
    type: 'need',
    ...need,
  };
}
