/** Key layout of the single table; the access patterns are listed beside its definition in infra/table.ts. */
export const CATALOG = 'CATALOG';

export const keys = {
  county: (countyId: string) => ({ pk: CATALOG, sk: `COUNTY#${countyId}` }),
  society: (societyId: string) => ({ pk: CATALOG, sk: `SOCIETY#${societyId}` }),
  need: (needId: string) => ({ pk: `NEED#${needId}`, sk: 'NEED' }),
  needIndex: (countyId: string, status: string, townId: string, needId: string) => ({
    gsi1pk: `COUNTY#${countyId}#NEEDS`,
    gsi1sk: `${status}#${townId}#${needId}`,
  }),
  visited: (countyId: string, season: string) => ({ pk: `COUNTY#${countyId}`, sk: `VISITED#${season}` }),
  round: (season: string) => ({ pk: `SEASON#${season}`, sk: 'ROUND' }),
  visit: (season: string, countyId: string) => ({ pk: `SEASON#${season}`, sk: `VISIT#${countyId}` }),
  draft: (season: string, countyId: string) => ({ pk: `SEASON#${season}`, sk: `DRAFT#${countyId}` }),
  seasonOverrides: (season: string) => ({ pk: `SEASON#${season}`, sk: 'OVERRIDES' }),
  offer: (season: string, countyId: string, societyId: string) => ({
    pk: `SEASON#${season}`,
    sk: `OFFER#${countyId}#${societyId}`,
  }),
  offerIndex: (season: string, countyId: string, societyId: string) => ({
    gsi1pk: `SOCIETY#${societyId}`,
    gsi1sk: `${season}#${countyId}`,
  }),
  capacity: (season: string, societyId: string) => ({ pk: `SEASON#${season}`, sk: `CAPACITY#${societyId}` }),
  visitLog: (visitId: string, key: string) => ({ pk: `VISIT#${visitId}`, sk: `LOG#${key}` }),
  roundLog: (season: string, key: string) => ({ pk: `SEASON#${season}`, sk: `LOG#${key}` }),
  outbox: (season: string, messageId: string) => ({ pk: `OUTBOX#${season}`, sk: messageId }),
  taskToken: (token: string) => ({ pk: `TASKTOKEN#${token}`, sk: 'TOKEN' }),
};

/** A visit is one county's visit in one season: `2026-Q4.chunan`. Dots never occur in slugs. */
export function visitId(season: string, countyId: string): string {
  return `${season}.${countyId}`;
}

export function offerId(season: string, countyId: string, societyId: string): string {
  return `${season}.${countyId}.${societyId}`;
}

export function parseOfferId(
  id: string,
): { season: string; countyId: string; societyId: string } | undefined {
  const parts = id.split('.');
  if (parts.length !== 3 || parts.some((p) => p === '')) return undefined;
  const [season, countyId, societyId] = parts as [string, string, string];
  return { season, countyId, societyId };
}

export function parseVisitId(id: string): { season: string; countyId: string } | undefined {
  const parts = id.split('.');
  if (parts.length !== 2 || parts.some((p) => p === '')) return undefined;
  const [season, countyId] = parts as [string, string];
  return { season, countyId };
}
