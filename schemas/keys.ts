/*
 * The key layout of the single table: every key, key prefix, index name and id format is spelled
 * here and nowhere else (a test greps the source tree). infra/table.ts builds the table from
 * TABLE_KEYS and lists the access patterns; functions/store/ reads and writes through
 * `keys` and `ranges`; the state machine writes its two items with `keyFormats`.
 */

/** Attribute and index names of the table. */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  gsi1: { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** Sparse: only outbox messages still to go out are in it (queued, or sending under a lease). */
  outboxDue: { indexName: 'outbox-due', partitionKey: 'dueStatus', sortKey: 'dueAt' },
  ttlAttribute: 'expiresAt',
} as const;

export const GSI1 = TABLE_KEYS.gsi1.indexName;

/** The two states of a message in the outbox-due index. */
export type OutboxDueStatus = 'queued' | 'sending';

const CATALOG = 'CATALOG';
const PREFIX = {
  county: 'COUNTY#',
  society: 'SOCIETY#',
  need: 'NEED#',
  visited: 'VISITED#',
  season: 'SEASON#',
  visit: 'VISIT#',
  draft: 'DRAFT#',
  offer: 'OFFER#',
  capacity: 'CAPACITY#',
  log: 'LOG#',
  outbox: 'OUTBOX#',
  taskToken: 'TASKTOKEN#',
  report: 'REPORT#',
  submission: 'SUBMISSION#',
  user: 'USER#',
  invitation: 'INVITATION#',
  attempts: 'ATTEMPTS#',
  device: 'DEVICE#',
  questions: 'QUESTIONS#',
  summary: 'SUMMARY#',
  messages: '#MESSAGES',
  placement: 'PLACEMENT#',
  scheduleSubmission: 'SCHEDULEKEY#',
  attachment: 'ATTACHMENT#',
  robotBudget: 'ROBOT#',
} as const;
/** The audit log in one partition, newest last: entries sort by time (`<at>#<id>`). */
const AUDIT = 'AUDIT';
/** Question versions sort as text: `000001`. */
const questionsVersion = (version: number) => String(version).padStart(6, '0');
/** The table's own bookkeeping (its data version). */
const DATA = 'DATA';
/** Every user in one partition: the coordinators' list is one Query (users number in the hundreds). */
const USERS = 'USERS';

const countyNeedsPartition = (countyId: string) => `${PREFIX.county}${countyId}#NEEDS`;
const seasonPartition = (season: string) => `${PREFIX.season}${season}`;
const visitPartition = (visitId: string) => `${PREFIX.visit}${visitId}`;
/** Report versions sort as text: `000001`. */
const reportVersion = (version: number) => String(version).padStart(6, '0');

/** A need's gsi1 sort key: `<status>#<townId>#<needId>`. */
function needIndexSortKey(status: string, townId: string, needId: string): string {
  return `${status}#${townId}#${needId}`;
}

export const keys = {
  county: (countyId: string) => ({ pk: CATALOG, sk: `${PREFIX.county}${countyId}` }),
  society: (societyId: string) => ({ pk: CATALOG, sk: `${PREFIX.society}${societyId}` }),
  need: (needId: string) => ({ pk: `${PREFIX.need}${needId}`, sk: 'NEED' }),
  needIndex: (countyId: string, status: string, townId: string, needId: string) => ({
    gsi1pk: countyNeedsPartition(countyId),
    gsi1sk: needIndexSortKey(status, townId, needId),
  }),
  visited: (countyId: string, season: string) => ({
    pk: `${PREFIX.county}${countyId}`,
    sk: `${PREFIX.visited}${season}`,
  }),
  round: (season: string) => ({ pk: seasonPartition(season), sk: 'ROUND' }),
  visit: (season: string, countyId: string) => ({
    pk: seasonPartition(season),
    sk: `${PREFIX.visit}${countyId}`,
  }),
  draft: (season: string, countyId: string) => ({
    pk: seasonPartition(season),
    sk: `${PREFIX.draft}${countyId}`,
  }),
  seasonOverrides: (season: string) => ({ pk: seasonPartition(season), sk: 'OVERRIDES' }),
  /** A need's hand placement (the offer it went to): racing placements of one need, one wins. */
  placement: (season: string, needId: string) => ({
    pk: seasonPartition(season),
    sk: `${PREFIX.placement}${needId}`,
  }),
  offer: (season: string, countyId: string, societyId: string) => ({
    pk: seasonPartition(season),
    sk: `${PREFIX.offer}${countyId}#${societyId}`,
  }),
  offerIndex: (season: string, countyId: string, societyId: string) => ({
    gsi1pk: `${PREFIX.society}${societyId}`,
    gsi1sk: `${season}#${countyId}`,
  }),
  /** A county's season in one small item (the season report's row): what a season-wide read would need. */
  countySummary: (season: string, countyId: string) => ({
    pk: seasonPartition(season),
    sk: `${PREFIX.summary}${countyId}`,
  }),
  /** A society's messages on gsi1, newest last: its team page reads them without the season's outbox. */
  messageIndex: (societyId: string, createdAt: string, messageId: string) => ({
    gsi1pk: `${PREFIX.society}${societyId}${PREFIX.messages}`,
    gsi1sk: `${createdAt}#${messageId}`,
  }),
  capacity: (season: string, societyId: string) => ({
    pk: seasonPartition(season),
    sk: `${PREFIX.capacity}${societyId}`,
  }),
  visitLog: (visitId: string, key: string) => ({ pk: visitPartition(visitId), sk: `${PREFIX.log}${key}` }),
  roundLog: (season: string, key: string) => ({ pk: seasonPartition(season), sk: `${PREFIX.log}${key}` }),
  /** Each society on a visit files its own versions: `REPORT#<societyId>#000001`. */
  report: (visitId: string, societyId: string, version: number) => ({
    pk: visitPartition(visitId),
    sk: `${PREFIX.report}${societyId}#${reportVersion(version)}`,
  }),
  /** A report's Idempotency-Key, scoped to the caller who sent it. */
  submission: (visitId: string, caller: string, key: string) => ({
    pk: visitPartition(visitId),
    sk: `${PREFIX.submission}${caller}#${key}`,
  }),
  /** A visit's date (one item, in the visit's partition; its `version` counts proposals). */
  schedule: (visitId: string) => ({ pk: visitPartition(visitId), sk: 'SCHEDULE' }),
  /** A schedule request's Idempotency-Key, scoped to the caller who sent it. */
  scheduleSubmission: (visitId: string, caller: string, key: string) => ({
    pk: visitPartition(visitId),
    sk: `${PREFIX.scheduleSubmission}${caller}#${key}`,
  }),
  /** A photo of a visit, in the visit's partition: `ATTACHMENT#<attachmentId>`. */
  attachment: (visitId: string, attachmentId: string) => ({
    pk: visitPartition(visitId),
    sk: `${PREFIX.attachment}${attachmentId}`,
  }),
  outbox: (season: string, messageId: string) => ({ pk: `${PREFIX.outbox}${season}`, sk: messageId }),
  /** A message waiting to go out, in the outbox-due index: queued (due at `at`) or sending (lease ends at `at`). */
  outboxDue: (status: OutboxDueStatus, at: string) => ({
    [TABLE_KEYS.outboxDue.partitionKey]: `${PREFIX.outbox}${status}`,
    [TABLE_KEYS.outboxDue.sortKey]: at,
  }),
  taskToken: (token: string) => ({ pk: `${PREFIX.taskToken}${token}`, sk: 'TOKEN' }),
  user: (userId: string) => ({ pk: USERS, sk: `${PREFIX.user}${userId}` }),
  /** An invitation by the digest of its code (the code itself is never stored). */
  invitation: (codeDigest: string) => ({ pk: `${PREFIX.invitation}${codeDigest}`, sk: 'INVITATION' }),
  /** One device's session (its renewal credential, hashed), by the device's random id. */
  device: (deviceId: string) => ({ pk: `${PREFIX.device}${deviceId}`, sk: 'DEVICE' }),
  /** One entry of the audit log: who changed what, before → after. */
  audit: (at: string, entryId: string) => ({ pk: AUDIT, sk: `${at}#${entryId}` }),
  /** One version of a season's five questions' wording: `QUESTIONS#000001`. */
  seasonQuestions: (season: string, version: number) => ({
    pk: seasonPartition(season),
    sk: `${PREFIX.questions}${questionsVersion(version)}`,
  }),
  /** Sign-in attempts of one client address or one code digest in one minute (`scope`: `ip` or `code`). */
  attempts: (scope: 'ip' | 'code', value: string, minute: string) => ({
    pk: `${PREFIX.attempts}${scope}#${value}`,
    sk: minute,
  }),
  /** The data's version: the last migration applied to the table (functions/migrations/). */
  dataVersion: () => ({ pk: DATA, sk: 'VERSION' }),
  /** The messages sent to one robot (by a digest of its URL) in one minute (`2026-11-10T04:05`). */
  robotBudget: (robotDigest: string, minute: string) => ({
    pk: `${PREFIX.robotBudget}${robotDigest}`,
    sk: minute,
  }),
};

/** A key's attributes as a string map (what `keys.*` return). */
export type TableKey = { pk: string; sk: string };

/** What one Query reads: a partition (of the table or of gsi1) and, optionally, a sort-key prefix. */
export interface KeyRange {
  index?: typeof GSI1;
  pk: string;
  skPrefix?: string;
}

export const ranges = {
  /** The whole catalog (counties and societies). */
  catalog: (): KeyRange => ({ pk: CATALOG }),
  counties: (): KeyRange => ({ pk: CATALOG, skPrefix: PREFIX.county }),
  societies: (): KeyRange => ({ pk: CATALOG, skPrefix: PREFIX.society }),
  countyHistory: (countyId: string): KeyRange => ({
    pk: `${PREFIX.county}${countyId}`,
    skPrefix: PREFIX.visited,
  }),
  /** A county's needs on gsi1, optionally from one status (and town) on: `needIndexPrefix`. */
  countyNeeds: (countyId: string, skPrefix?: string): KeyRange => ({
    index: GSI1,
    pk: countyNeedsPartition(countyId),
    ...(skPrefix ? { skPrefix } : {}),
  }),
  seasonVisits: (season: string): KeyRange => ({ pk: seasonPartition(season), skPrefix: PREFIX.visit }),
  seasonDrafts: (season: string): KeyRange => ({ pk: seasonPartition(season), skPrefix: PREFIX.draft }),
  seasonOffers: (season: string): KeyRange => ({ pk: seasonPartition(season), skPrefix: PREFIX.offer }),
  /** One county's offers of a season (sk `OFFER#<countyId>#…`; slugs never hold `#`). */
  countyOffers: (season: string, countyId: string): KeyRange => ({
    pk: seasonPartition(season),
    skPrefix: `${PREFIX.offer}${countyId}#`,
  }),
  seasonSummaries: (season: string): KeyRange => ({ pk: seasonPartition(season), skPrefix: PREFIX.summary }),
  seasonCapacity: (season: string): KeyRange => ({
    pk: seasonPartition(season),
    skPrefix: PREFIX.capacity,
  }),
  roundLog: (season: string): KeyRange => ({ pk: seasonPartition(season), skPrefix: PREFIX.log }),
  /** A society's offers on gsi1, optionally of one season. */
  societyOffers: (societyId: string, season?: string): KeyRange => ({
    index: GSI1,
    pk: `${PREFIX.society}${societyId}`,
    ...(season ? { skPrefix: `${season}#` } : {}),
  }),
  visitLog: (visitId: string): KeyRange => ({ pk: visitPartition(visitId), skPrefix: PREFIX.log }),
  visitReports: (visitId: string): KeyRange => ({ pk: visitPartition(visitId), skPrefix: PREFIX.report }),
  societyReports: (visitId: string, societyId: string): KeyRange => ({
    pk: visitPartition(visitId),
    skPrefix: `${PREFIX.report}${societyId}#`,
  }),
  visitAttachments: (visitId: string): KeyRange => ({
    pk: visitPartition(visitId),
    skPrefix: PREFIX.attachment,
  }),
  outbox: (season: string): KeyRange => ({ pk: `${PREFIX.outbox}${season}` }),
  societyMessages: (societyId: string): KeyRange => ({
    index: GSI1,
    pk: `${PREFIX.society}${societyId}${PREFIX.messages}`,
  }),
  users: (): KeyRange => ({ pk: USERS, skPrefix: PREFIX.user }),
  /** The audit log (Query newest first). */
  audit: (): KeyRange => ({ pk: AUDIT }),
  /** A season's question versions (Query newest first, limit 1: the current wording). */
  seasonQuestions: (season: string): KeyRange => ({
    pk: seasonPartition(season),
    skPrefix: PREFIX.questions,
  }),
};

/**
 * Attributes of a county summary (keys.countySummary), one per society: its offer on the visit
 * (`offer#<societyId>`: needIds, status) and its latest report (`report#<societyId>`). Top-level
 * attributes, so each write is a plain SET that needs no parent map and creates the item if absent.
 */
export const summaryAttributes = {
  offer: (societyId: string) => `offer#${societyId}`,
  report: (societyId: string) => `report#${societyId}`,
  /** The society of a summary attribute, and which kind it is; undefined for the item's own fields. */
  parse: (name: string): { kind: 'offer' | 'report'; societyId: string } | undefined => {
    const match = /^(offer|report)#(.+)$/.exec(name);
    return match ? { kind: match[1] as 'offer' | 'report', societyId: match[2]! } : undefined;
  },
};

/** The gsi1 sort-key prefix of a county's needs in one status, optionally in one town. */
export function needIndexPrefix(status: string, townId?: string): string {
  return townId ? `${status}#${townId}#` : `${status}#`;
}

/** The need id at the end of a need's gsi1 sort key. */
export function needIdOfIndexKey(gsi1sk: string): string {
  return gsi1sk.slice(gsi1sk.lastIndexOf('#') + 1);
}

/**
 * The keys of the two items the state machine writes itself, with Step Functions' `{}` placeholders
 * for States.Format: the county's draft visit (SaveDraftVisit) and the round's failure entry.
 */
export const keyFormats = {
  /** `{}`: the season, then the county. */
  draft: keys.draft('{}', '{}'),
  /** `{}`: the season, then the execution's name. */
  roundFailure: keys.roundLog('{}', 'failed#{}'),
};

// ---- ids of the API ---------------------------------------------------------------------------------

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
