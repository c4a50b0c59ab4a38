import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '#commons/clients';
import { isConditionFailure } from '#commons/table';
import { summaryHighlightUpdate } from './items/summary.ts';

/*
 * Typical cases: a mark on the county summary of the visit's season (one small item the range report
 * reads anyway), so the report finds its cases without reading any visit's partition.
 */

export interface Highlight {
  caption: string;
  attachmentId?: string;
  by: string;
  at: string;
}

/** Marks (or re-captions) the visit; false when the season's summary has no visit in that county. */
export async function markHighlight(
  season: string,
  countyId: string,
  highlight: Highlight,
): Promise<boolean> {
  return conditional(summaryHighlightUpdate(season, countyId, highlight));
}

/** Unmarks the visit; false when it has no visit. */
export async function unmarkHighlight(season: string, countyId: string): Promise<boolean> {
  return conditional(summaryHighlightUpdate(season, countyId, undefined));
}

async function conditional(update: ReturnType<typeof summaryHighlightUpdate>): Promise<boolean> {
  try {
    await documents().send(new UpdateCommand({ ...update, ConditionExpression: 'attribute_exists(townId)' }));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
