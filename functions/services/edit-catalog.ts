import { ConflictError, type FieldIssue, fieldIssue, invalidInput, NotFoundError } from '#commons/errors';
import { canonicalJson } from '#domain/canonical-json';
import { type ContactInput, itemToStore, secretChanged, withShownContact } from '#domain/contact-secret';
import { currentSeason } from '#domain/season';
import type { Contact, County, Society } from '#schemas/catalog';
import type { Bilingual } from '#schemas/need-api';
import { THEME_LABELS } from '#schemas/need-api';
import {
  type CapacityGuard,
  type CatalogKind,
  type CatalogWrite,
  capacityUsed,
  listCounties,
  readVersioned,
  writeCatalogChanges,
} from '#store/catalog';
import { openNeedsOfCounty } from '#store/needs';
import { offersOfSociety } from '#store/offers';
import type { AuditActor } from '#store/users';

/*
 * The coordinators' catalog changes: each checked against what holds it (open needs keep their
 * town and county; a waiting offer keeps its society's competence and capacity; capacity never drops
 * below this season's use), then written on the version it was read at, with its audit entry, in
 * one transaction. Bad input is 400 naming the field; a rule that holds the item is 409 naming what.
 */

const issue = fieldIssue;

function invalid(issues: FieldIssue[]): never {
  throw invalidInput(issues);
}

const quoteList = (items: readonly string[], most = 5) =>
  items.slice(0, most).join('、') + (items.length > most ? ` …（共 ${items.length} 项）` : '');
const quoteListEn = (items: readonly string[], most = 5) =>
  items.slice(0, most).join(', ') + (items.length > most ? ` … (${items.length} in all)` : '');

/** A secret signs a robot's messages: without the robot's address it has nothing to sign. */
function contactIssues(contact: ContactInput | undefined): FieldIssue[] {
  if (!contact?.webhookSecret || contact.webhook) return [];
  return [
    issue(
      'contact.webhookSecret',
      '须同时填写群机器人地址（密钥只用于该机器人）',
      "needs the robot's address too (the secret signs only that robot's messages)",
    ),
  ];
}

/** What a change sends: the stored shape, with its contact's secret as `ContactInput` says. */
type Input<T extends County | Society> = Omit<T, 'contact'> & { contact?: ContactInput };

/** The checks of a society's body that its schema cannot make alone. */
function checkSociety(society: Input<Society>, pathId?: string): void {
  const issues: FieldIssue[] = contactIssues(society.contact);
  if (pathId !== undefined && society.id !== pathId)
    issues.push(issue('id', `须与地址中的编号"${pathId}"相同`, `must be the id in the path ("${pathId}")`));
  society.themes.forEach((theme, i) => {
    if (society.themes.indexOf(theme) !== i)
      issues.push(issue(`themes[${i}]`, `主题"${THEME_LABELS[theme].zh}"重复`, `the theme "${theme}" twice`));
  });
  society.fields.forEach((field, i) => {
    if (society.fields.indexOf(field) !== i)
      issues.push(issue(`fields[${i}]`, `领域"${field}"重复`, `the field "${field}" twice`));
  });
  if (issues.length > 0) invalid(issues);
}

function checkCounty(county: Input<County>, pathId?: string): void {
  const issues: FieldIssue[] = contactIssues(county.contact);
  if (pathId !== undefined && county.id !== pathId)
    issues.push(issue('id', `须与地址中的编号"${pathId}"相同`, `must be the id in the path ("${pathId}")`));
  county.towns.forEach((town, i) => {
    if (county.towns.findIndex((t) => t.id === town.id) !== i)
      issues.push(issue(`towns[${i}].id`, `乡镇编号"${town.id}"重复`, `the town id "${town.id}" twice`));
  });
  if (issues.length > 0) invalid(issues);
}

function versionConflict(kind: 'county' | 'society', id: string, expected: number | 'absent'): never {
  const what = kind === 'county' ? { zh: '县', en: 'county' } : { zh: '学会', en: 'society' };
  if (expected === 'absent')
    throw new ConflictError(`${what.zh}"${id}"已存在 / the ${what.en} "${id}" exists already`, [
      issue('id', '已存在', 'exists already'),
    ]);
  throw new ConflictError(
    `${what.zh}"${id}"已被他人修改（您读取的是第 ${expected} 版），请重新读取后再改 / the ${what.en} "${id}" was changed by someone else since you read version ${expected}: read it again and redo your change`,
    [issue('If-Match', `不是当前版本（${expected}）`, `not the current version (${expected})`)],
  );
}

// ---- what holds an item -----------------------------------------------------------------------------

export interface Hold {
  path: string;
  zh: string;
  en: string;
}

/** Towns removed from a county (or the whole county) that still have open needs. */
export async function countyHolds(before: County, after: County | undefined, prefix = ''): Promise<Hold[]> {
  const removed = before.towns.filter((town) => !after?.towns.some((t) => t.id === town.id));
  if (removed.length === 0 && after) return [];
  const open = await openNeedsOfCounty(before.id);
  if (!after) {
    if (open.length === 0) return [];
    const titles = open.map((need) => need.title);
    return [
      {
        path: `${prefix}id`,
        zh: `县"${before.name.zh}"还有 ${open.length} 条未解决的需求，不能删除：${quoteList(titles)}`,
        en: `the county ${before.name.en} still has ${open.length} open needs and cannot be removed: ${quoteListEn(titles)}`,
      },
    ];
  }
  return removed.flatMap((town) => {
    const titles = open.filter((need) => need.townId === town.id).map((need) => need.title);
    if (titles.length === 0) return [];
    const index = before.towns.indexOf(town);
    return [
      {
        path: `${prefix}towns[${index}]`,
        zh: `乡镇"${town.name.zh}"还有 ${titles.length} 条未解决的需求，不能删除：${quoteList(titles)}`,
        en: `the town ${town.name.en} still has ${titles.length} open needs and cannot be removed: ${quoteListEn(titles)}`,
      },
    ];
  });
}

/** What a waiting offer relies on: the society's competence and its capacity. */
const offerRelevant = (society: Society) =>
  canonicalJson({ themes: society.themes, fields: society.fields, capacity: society.capacityPerSeason });

export interface SocietyCheck {
  holds: Hold[];
  guard?: CapacityGuard;
}

/**
 * A society removed, or its themes, fields or capacity changed, while an offer of it still waits;
 * a capacity below this season's use. Contact and name changes never wait for an offer.
 */
export async function societyHolds(
  before: Society,
  after: Society | undefined,
  counties: () => Promise<County[]>,
  prefix = '',
): Promise<SocietyCheck> {
  const holds: Hold[] = [];
  const season = currentSeason();
  const relevantChange = !after || offerRelevant(before) !== offerRelevant(after);
  if (relevantChange) {
    const waiting = (await offersOfSociety(before.id)).filter((offer) => offer.status === 'offered');
    if (waiting.length > 0) {
      const catalog = await counties();
      const label = (offer: (typeof waiting)[number]): Bilingual => {
        const county = catalog.find((c) => c.id === offer.countyId);
        const town = county?.towns.find((t) => t.id === offer.townId);
        return {
          zh: `${offer.season} ${county?.name.zh ?? offer.countyId}${town?.name.zh ?? offer.townId}`,
          en: `${offer.season} ${town?.name.en ?? offer.townId}, ${county?.name.en ?? offer.countyId}`,
        };
      };
      const labels = waiting.map(label);
      holds.push({
        path: after ? `${prefix}themes` : `${prefix}id`,
        zh: `学会"${before.name.zh}"还有 ${waiting.length} 个待答复的走访邀请，${after ? '不能修改主题、领域或容量' : '不能删除'}：${quoteList(labels.map((l) => l.zh))}`,
        en: `the society ${before.name.en} has ${waiting.length} offers still waiting for an answer, so it cannot be ${after ? 'given other themes, fields or capacity' : 'removed'}: ${quoteListEn(labels.map((l) => l.en))}`,
      });
    }
  }
  let guard: CapacityGuard | undefined;
  if (after && after.capacityPerSeason < before.capacityPerSeason) {
    const used = await capacityUsed(season, before.id);
    if (after.capacityPerSeason < used)
      holds.push({
        path: `${prefix}capacityPerSeason`,
        zh: `本季（${season}）已使用 ${used} 个名额，容量不能少于 ${used}`,
        en: `this season (${season}) uses ${used} already: the capacity cannot be below ${used}`,
      });
    guard = { season, societyId: before.id, atMost: after.capacityPerSeason };
  }
  return { holds, ...(guard ? { guard } : {}) };
}

export function holdConflict(holds: readonly Hold[]): never {
  const first = holds[0]!;
  throw new ConflictError(
    `${first.zh} / ${first.en}`,
    holds.map((h) => issue(h.path, h.zh, h.en)),
  );
}

// ---- writing -------------------------------------------------------------------------------------

async function write(writes: CatalogWrite[], guards: CapacityGuard[] = []): Promise<void> {
  const outcome = await writeCatalogChanges(writes, guards);
  if (outcome.ok) return;
  if (outcome.reason === 'version')
    versionConflict(outcome.write.kind, outcome.write.id, outcome.write.expected);
  const used = await capacityUsed(outcome.guard.season, outcome.guard.societyId);
  holdConflict([
    {
      path: 'capacityPerSeason',
      zh: `本季（${outcome.guard.season}）已使用 ${used} 个名额，容量不能少于 ${used}`,
      en: `this season (${outcome.guard.season}) uses ${used} already: the capacity cannot be below ${used}`,
    },
  ]);
}

/**
 * One item's change with its audit entry: created (no `before`), updated, or removed (no `after`;
 * kept with `removedAt`, out of every list).
 */
function changeOf<T extends County | Society>(
  kind: CatalogKind,
  id: string,
  expected: number | 'absent',
  by: AuditActor,
  { before, after }: { before?: T; after?: T },
): CatalogWrite {
  const action = after === undefined ? 'remove' : before === undefined ? 'create' : 'update';
  const name = (after ?? before)!.name;
  return {
    kind,
    id,
    expected,
    ...(after ? { after } : { removed: before }),
    audit: { by, action: `${kind}.${action}`, target: { kind, id, name }, ...auditedContents(before, after) },
  };
}

/**
 * Before → after as the audit log keeps them: a secret never, only that one is set
 * (`webhookSecretSet`), and a note when it was replaced, which the two sides cannot show.
 */
export function auditedContents<T extends County | Society>(before?: T, after?: T) {
  const replaced = before && after && secretChanged(before.contact, after.contact);
  return {
    ...(before ? { before: withShownContact(before, true) } : {}),
    ...(after ? { after: withShownContact(after, true) } : {}),
    ...(replaced ? { note: `${secretNote(after.contact).zh} / ${secretNote(after.contact).en}` } : {}),
  };
}

/** The audit note of a secret replaced or cleared, in both languages. */
export const secretNote = (after?: Contact) =>
  after?.webhookSecret
    ? { zh: '加签密钥已更换', en: "the robot's signing secret was replaced" }
    : { zh: '加签密钥已清除', en: "the robot's signing secret was cleared" };

/** A county or society as a coordinator's answer shows it: never the secret. */
export const shown = <T extends County | Society>(item: T) => withShownContact(item, true);

/** The item as stored, on the version the person read (409 otherwise), with and without its version. */
async function readAt<T extends County | Society>(kind: CatalogKind, id: string, expected: number) {
  const found = await readVersioned<T>(kind, id);
  if (!found)
    throw new NotFoundError(
      kind === 'county'
        ? `没有编号为"${id}"的县 / no county "${id}"`
        : `没有编号为"${id}"的学会 / no society "${id}"`,
    );
  if (found.version !== expected) versionConflict(kind, id, expected);
  const { version: _version, ...before } = found;
  return { found, before: before as unknown as T };
}

export async function createSociety(input: Input<Society>, by: AuditActor) {
  checkSociety(input);
  const society = itemToStore<Society>(input, undefined);
  await write([changeOf('society', society.id, 'absent', by, { after: society })]);
  return shown({ ...society, version: 1 });
}

/** PUT /societies/{id}: the whole society, on the version read. Unchanged content writes nothing. */
export async function updateSociety(id: string, input: Input<Society>, expected: number, by: AuditActor) {
  checkSociety(input, id);
  const { found, before } = await readAt<Society>('society', id, expected);
  const society = itemToStore<Society>(input, before);
  if (canonicalJson(before) === canonicalJson(society)) return shown(found);
  const { holds, guard } = await societyHolds(before, society, listCounties);
  if (holds.length > 0) holdConflict(holds);
  await write([changeOf('society', id, expected, by, { before, after: society })], guard ? [guard] : []);
  return shown({ ...society, version: expected + 1 });
}

export async function removeSociety(id: string, expected: number, by: AuditActor) {
  const { before } = await readAt<Society>('society', id, expected);
  const { holds } = await societyHolds(before, undefined, listCounties);
  if (holds.length > 0) holdConflict(holds);
  await write([changeOf('society', id, expected, by, { before })]);
  return shown(before);
}

export async function createCounty(input: Input<County>, by: AuditActor) {
  checkCounty(input);
  const county = itemToStore<County>(input, undefined);
  await write([changeOf('county', county.id, 'absent', by, { after: county })]);
  return shown({ ...county, version: 1 });
}

export async function updateCounty(id: string, input: Input<County>, expected: number, by: AuditActor) {
  checkCounty(input, id);
  const { found, before } = await readAt<County>('county', id, expected);
  const county = itemToStore<County>(input, before);
  if (canonicalJson(before) === canonicalJson(county)) return shown(found);
  const holds = await countyHolds(before, county);
  if (holds.length > 0) holdConflict(holds);
  await write([changeOf('county', id, expected, by, { before, after: county })]);
  return shown({ ...county, version: expected + 1 });
}

export async function removeCounty(id: string, expected: number, by: AuditActor) {
  const { before } = await readAt<County>('county', id, expected);
  const holds = await countyHolds(before, undefined);
  if (holds.length > 0) holdConflict(holds);
  await write([changeOf('county', id, expected, by, { before })]);
  return shown(before);
}

export { write as writeCatalog };
