import type { DataSet, Overrides, SeasonId } from '#schemas/index';

/** One problem found in a data directory: the file, the path inside it (like `[3].townId`), and what is wrong. */
export interface DataIssue {
  file: string;
  path: string;
  message: string;
}

/**
 * Cross-file checks a schema cannot express: unique ids and references that must resolve.
 * Expects a data set whose files each passed their schema.
 */
export function checkReferences(data: DataSet): DataIssue[] {
  const issues: DataIssue[] = [];
  // Chinese first, then English: `中文 / English`.
  const report = (file: string, path: string, zh: string, en: string): void => {
    issues.push({ file, path, message: `${zh} / ${en}` });
  };

  // A file whose top-level entries repeat an id: the entry, and where the id was first used.
  const reportDuplicateIds = (
    file: string,
    items: readonly { id: string }[],
    zhNoun: string,
    enNoun: string,
  ) =>
    forEachDuplicate(items, (index, id, first) =>
      report(
        file,
        `[${index}].id`,
        `${zhNoun}编号 "${id}" 重复（首次出现在 [${first}]）`,
        `duplicate ${enNoun} id "${id}" (first used at [${first}])`,
      ),
    );

  reportDuplicateIds('counties.json', data.counties, '县', 'county');
  data.counties.forEach((county, c) => {
    forEachDuplicate(county.towns, (t, id, first) =>
      report(
        'counties.json',
        `[${c}].towns[${t}].id`,
        `县 "${county.id}" 中乡镇编号 "${id}" 重复（首次出现在 towns[${first}]）`,
        `duplicate town id "${id}" in county "${county.id}" (first used at towns[${first}])`,
      ),
    );
  });
  reportDuplicateIds('societies.json', data.societies, '学会', 'society');
  reportDuplicateIds('needs.json', data.needs, '需求', 'need');

  // A duplicated county is already reported; references resolve against its first entry.
  const countyById = new Map<string, DataSet['counties'][number]>();
  for (const county of data.counties) if (!countyById.has(county.id)) countyById.set(county.id, county);

  const checkPlace = (file: string, index: number, place: { countyId: string; townId: string }) => {
    const county = countyById.get(place.countyId);
    if (county === undefined) {
      report(
        file,
        `[${index}].countyId`,
        `县 "${place.countyId}" 不在 counties.json 中`,
        `county "${place.countyId}" is not in counties.json`,
      );
    } else if (!county.towns.some((town) => town.id === place.townId)) {
      report(
        file,
        `[${index}].townId`,
        `乡镇 "${place.townId}" 不属于县 "${place.countyId}"`,
        `town "${place.townId}" is not a town of county "${place.countyId}"`,
      );
    }
  };
  for (const [n, need] of data.needs.entries()) checkPlace('needs.json', n, need);
  for (const [v, visit] of data.visits.entries()) checkPlace('visits.json', v, visit);
  // One town per county (docs/rules.md): a county has one visit per season, and the database keeps one per (county, season).
  const firstVisit = new Map<string, number>();
  data.visits.forEach((visit, v) => {
    const key = `${visit.countyId}\u0000${visit.season}`;
    const first = firstVisit.get(key);
    if (first === undefined) firstVisit.set(key, v);
    else
      report(
        'visits.json',
        `[${v}]`,
        `重复的走访记录：县 "${visit.countyId}" 在 ${visit.season} 已由 [${first}] 记录，每县每季只走访一个乡镇`,
        `repeats [${first}]: county "${visit.countyId}" already has a visit in ${visit.season}, and a county has one visit per season`,
      );
  });

  return issues;
}

function forEachDuplicate(
  items: readonly { id: string }[],
  onDuplicate: (index: number, id: string, firstIndex: number) => void,
): void {
  const firstIndex = new Map<string, number>();
  items.forEach((item, index) => {
    const first = firstIndex.get(item.id);
    if (first === undefined) firstIndex.set(item.id, index);
    else onDuplicate(index, item.id, first);
  });
}

/**
 * Checks an overrides file against the data set: every society, county and town it names exists;
 * a county gets at most one town lock and has towns; a pin is not also an exclusion; no society is
 * pinned to more visits than its capacity; `season`, when given, is the season planned.
 * Whether a pinned society is competent at the town finally chosen is checked by the planner.
 */
export function checkOverrideReferences(
  data: DataSet,
  overrides: Overrides,
  season?: SeasonId,
  file = 'overrides.json',
): DataIssue[] {
  const issues: DataIssue[] = [];
  const report = (path: string, zh: string, en: string): void => {
    issues.push({ file, path, message: `${zh} / ${en}` });
  };
  const countyById = new Map<string, DataSet['counties'][number]>();
  for (const county of data.counties) if (!countyById.has(county.id)) countyById.set(county.id, county);
  const societyById = new Map<string, DataSet['societies'][number]>();
  for (const society of data.societies)
    if (!societyById.has(society.id)) societyById.set(society.id, society);

  if (season !== undefined && overrides.season !== undefined && overrides.season !== season) {
    report(
      'season',
      `为 "${overrides.season}"，但计划的是 "${season}"`,
      `is "${overrides.season}" but the plan is for "${season}"`,
    );
  }
  const checkSociety = (path: string, societyId: string) => {
    if (!societyById.has(societyId))
      report(
        `${path}.societyId`,
        `学会 "${societyId}" 不在 societies.json 中`,
        `society "${societyId}" is not in societies.json`,
      );
  };
  const checkCounty = (path: string, countyId: string): boolean => {
    const county = countyById.get(countyId);
    if (county === undefined) {
      report(
        `${path}.countyId`,
        `县 "${countyId}" 不在 counties.json 中`,
        `county "${countyId}" is not in counties.json`,
      );
      return false;
    }
    if (county.towns.length === 0) {
      report(
        `${path}.countyId`,
        `县 "${countyId}" 没有乡镇，本季不走访`,
        `county "${countyId}" has no towns, so no visit this season`,
      );
      return false;
    }
    return true;
  };

  const pinCount = new Map<string, number>();
  const pinned = new Set<string>();
  overrides.pins.forEach((pin, index) => {
    const path = `pins[${index}]`;
    checkSociety(path, pin.societyId);
    checkCounty(path, pin.countyId);
    const key = `${pin.societyId}@${pin.countyId}`;
    if (pinned.has(key))
      report(
        path,
        `学会 "${pin.societyId}" 已固定到县 "${pin.countyId}"`,
        `society "${pin.societyId}" is already pinned to county "${pin.countyId}"`,
      );
    pinned.add(key);
    pinCount.set(pin.societyId, (pinCount.get(pin.societyId) ?? 0) + 1);
  });
  for (const [societyId, count] of pinCount) {
    const capacity = societyById.get(societyId)?.capacityPerSeason;
    if (capacity !== undefined && count > capacity) {
      const first = overrides.pins.findIndex((pin) => pin.societyId === societyId);
      report(
        `pins[${first}].societyId`,
        `学会 "${societyId}" 固定到 ${count} 次走访，但每季容量只有 ${capacity}`,
        `society "${societyId}" is pinned to ${count} visit${count === 1 ? '' : 's'} but its capacityPerSeason is ${capacity}`,
      );
    }
  }
  overrides.exclusions.forEach((exclusion, index) => {
    const path = `exclusions[${index}]`;
    checkSociety(path, exclusion.societyId);
    if (exclusion.countyId !== undefined) checkCounty(path, exclusion.countyId);
    const clash = overrides.pins.findIndex(
      (pin) =>
        pin.societyId === exclusion.societyId &&
        (exclusion.countyId === undefined || exclusion.countyId === pin.countyId),
    );
    if (clash >= 0) {
      report(
        path,
        `排除了 pins[${clash}] 固定到县 "${overrides.pins[clash]!.countyId}" 的学会 "${exclusion.societyId}"`,
        `excludes society "${exclusion.societyId}" that pins[${clash}] pins to county "${overrides.pins[clash]!.countyId}"`,
      );
    }
  });
  const locked = new Map<string, number>();
  overrides.townLocks.forEach((lock, index) => {
    const path = `townLocks[${index}]`;
    if (!checkCounty(path, lock.countyId)) return;
    const first = locked.get(lock.countyId);
    if (first !== undefined)
      report(
        `${path}.countyId`,
        `县 "${lock.countyId}" 已由 townLocks[${first}] 锁定`,
        `county "${lock.countyId}" is already locked by townLocks[${first}]`,
      );
    else locked.set(lock.countyId, index);
    if (!countyById.get(lock.countyId)!.towns.some((town) => town.id === lock.townId)) {
      report(
        `${path}.townId`,
        `乡镇 "${lock.townId}" 不属于县 "${lock.countyId}"`,
        `town "${lock.townId}" is not a town of county "${lock.countyId}"`,
      );
    }
  });
  return issues;
}
