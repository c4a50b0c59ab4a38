import type { DataSet } from '#schemas/index';

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
  const report = (file: string, path: string, message: string): void => {
    issues.push({ file, path, message });
  };

  forEachDuplicate(data.counties, (index, id, first) =>
    report('counties.json', `[${index}].id`, `duplicate county id "${id}" (first used at [${first}])`),
  );
  data.counties.forEach((county, c) => {
    forEachDuplicate(county.towns, (t, id, first) =>
      report(
        'counties.json',
        `[${c}].towns[${t}].id`,
        `duplicate town id "${id}" in county "${county.id}" (first used at towns[${first}])`,
      ),
    );
  });
  forEachDuplicate(data.societies, (index, id, first) =>
    report('societies.json', `[${index}].id`, `duplicate society id "${id}" (first used at [${first}])`),
  );
  forEachDuplicate(data.needs, (index, id, first) =>
    report('needs.json', `[${index}].id`, `duplicate need id "${id}" (first used at [${first}])`),
  );

  // A duplicated county is already reported; references resolve against its first entry.
  const countyById = new Map<string, DataSet['counties'][number]>();
  for (const county of data.counties) if (!countyById.has(county.id)) countyById.set(county.id, county);

  const checkPlace = (file: string, index: number, place: { countyId: string; townId: string }) => {
    const county = countyById.get(place.countyId);
    if (county === undefined) {
      report(file, `[${index}].countyId`, `county "${place.countyId}" is not in counties.json`);
    } else if (!county.towns.some((town) => town.id === place.townId)) {
      report(file, `[${index}].townId`, `town "${place.townId}" is not a town of county "${place.countyId}"`);
    }
  };
  for (const [n, need] of data.needs.entries()) checkPlace('needs.json', n, need);
  for (const [v, visit] of data.visits.entries()) checkPlace('visits.json', v, visit);

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
