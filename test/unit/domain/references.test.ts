import { describe, expect, it } from 'vitest';
import { checkOverrideReferences, checkReferences, type DataIssue } from '#domain/references';
import { type County, type DataSet, type Need, Overrides, type Society } from '#schemas/index';

function county(id: string, ...townIds: string[]): County {
  return {
    id,
    name: { zh: id, en: id },
    towns: townIds.map((townId) => ({ id: townId, name: { zh: townId, en: townId } })),
  };
}

function need(id: string, countyId: string, townId: string): Need {
  return {
    id,
    countyId,
    townId,
    theme: 'industry',
    field: 'tea',
    title: id,
    urgency: 'normal',
    submittedAt: '2026-09-01T09:00:00+08:00',
  };
}

function society(id: string): Society {
  return { id, name: { zh: id, en: id }, themes: ['industry'], fields: ['tea'], capacityPerSeason: 1 };
}

/** Each message is `中文 / English`: checks the Chinese comes first, and keeps the English to compare. */
function inEnglish(issues: DataIssue[]): DataIssue[] {
  return issues.map((issue) => {
    const [zh, ...en] = issue.message.split(' / ');
    expect(zh).toMatch(/\p{Script=Han}/u);
    return { ...issue, message: en.join(' / ') };
  });
}

function dataSet(parts: Partial<DataSet>): DataSet {
  return {
    counties: [county('chunan', 'qiandaohu', 'fenkou')],
    societies: [],
    needs: [],
    visits: [],
    ...parts,
  };
}

describe('checkReferences', () => {
  it('refuses a second visit of a county in one season, naming the row and the first one, Chinese first', () => {
    const issues = checkReferences(
      dataSet({
        visits: [
          { season: '2026-Q2', countyId: 'chunan', townId: 'fenkou' },
          { season: '2026-Q3', countyId: 'chunan', townId: 'fenkou' },
          { season: '2026-Q2', countyId: 'chunan', townId: 'fenkou' },
          { season: '2026-Q2', countyId: 'chunan', townId: 'qiandaohu' },
        ],
      }),
    );

    expect(issues.map(({ file, path }) => `${file} ${path}`)).toEqual(['visits.json [2]', 'visits.json [3]']);
    expect(issues[0]!.message).toMatch(
      /^重复的走访记录：.*\[0\].* \/ repeats \[0\]: county "chunan" already has a visit in 2026-Q2/,
    );
  });

  it('finds nothing wrong in consistent data', () => {
    const data = dataSet({
      societies: [society('agri')],
      needs: [need('n1', 'chunan', 'fenkou')],
      visits: [{ season: '2026-Q1', countyId: 'chunan', townId: 'qiandaohu' }],
    });

    expect(checkReferences(data)).toEqual([]);
  });

  it('reports a need whose town is not a town of its county', () => {
    const data = dataSet({
      counties: [county('chunan', 'fenkou'), county('jiande', 'meicheng')],
      needs: [need('n1', 'chunan', 'meicheng')],
    });

    expect(inEnglish(checkReferences(data))).toEqual([
      { file: 'needs.json', path: '[0].townId', message: 'town "meicheng" is not a town of county "chunan"' },
    ]);
  });

  it('reports a need whose county is unknown, without also blaming its town', () => {
    const data = dataSet({ needs: [need('n1', 'chunan', 'fenkou'), need('n2', 'nowhere', 'fenkou')] });

    expect(inEnglish(checkReferences(data))).toEqual([
      { file: 'needs.json', path: '[1].countyId', message: 'county "nowhere" is not in counties.json' },
    ]);
  });

  it('reports a past visit to an unknown county or town', () => {
    const data = dataSet({
      visits: [
        { season: '2026-Q1', countyId: 'nowhere', townId: 'fenkou' },
        { season: '2026-Q2', countyId: 'chunan', townId: 'atlantis' },
      ],
    });

    expect(inEnglish(checkReferences(data))).toEqual([
      { file: 'visits.json', path: '[0].countyId', message: 'county "nowhere" is not in counties.json' },
      {
        file: 'visits.json',
        path: '[1].townId',
        message: 'town "atlantis" is not a town of county "chunan"',
      },
    ]);
  });

  it('reports duplicate ids of counties, towns within a county, societies and needs at the repeated entry', () => {
    const data = dataSet({
      counties: [county('chunan', 'fenkou', 'fenkou'), county('chunan', 'x')],
      societies: [society('agri'), society('forest'), society('agri')],
      needs: [need('n1', 'chunan', 'fenkou'), need('n1', 'chunan', 'fenkou')],
    });

    expect(inEnglish(checkReferences(data))).toEqual([
      { file: 'counties.json', path: '[1].id', message: 'duplicate county id "chunan" (first used at [0])' },
      {
        file: 'counties.json',
        path: '[0].towns[1].id',
        message: 'duplicate town id "fenkou" in county "chunan" (first used at towns[0])',
      },
      { file: 'societies.json', path: '[2].id', message: 'duplicate society id "agri" (first used at [0])' },
      { file: 'needs.json', path: '[1].id', message: 'duplicate need id "n1" (first used at [0])' },
    ]);
  });

  it('allows the same town id in two different counties', () => {
    const data = dataSet({ counties: [county('chunan', 'center'), county('jiande', 'center')] });

    expect(checkReferences(data)).toEqual([]);
  });
});

describe('checkOverrideReferences', () => {
  const data = dataSet({
    counties: [county('chunan', 'qiandaohu', 'fenkou'), county('empty')],
    societies: [society('agri'), society('forest')],
  });

  it('finds nothing wrong in overrides that name existing societies, counties and towns', () => {
    const overrides = Overrides.parse({
      season: '2026-Q4',
      pins: [{ societyId: 'agri', countyId: 'chunan' }],
      exclusions: [{ societyId: 'forest' }],
      townLocks: [{ countyId: 'chunan', townId: 'fenkou' }],
    });

    expect(checkOverrideReferences(data, overrides, '2026-Q4')).toEqual([]);
  });

  it('names the path of every unknown society, county and town, and of a county without a visit', () => {
    const overrides = Overrides.parse({
      pins: [{ societyId: 'nobody', countyId: 'chunan' }],
      exclusions: [{ societyId: 'agri', countyId: 'nowhere' }],
      townLocks: [
        { countyId: 'chunan', townId: 'atlantis' },
        { countyId: 'empty', townId: 'x' },
      ],
    });

    expect(inEnglish(checkOverrideReferences(data, overrides))).toEqual([
      {
        file: 'overrides.json',
        path: 'pins[0].societyId',
        message: 'society "nobody" is not in societies.json',
      },
      {
        file: 'overrides.json',
        path: 'exclusions[0].countyId',
        message: 'county "nowhere" is not in counties.json',
      },
      {
        file: 'overrides.json',
        path: 'townLocks[0].townId',
        message: 'town "atlantis" is not a town of county "chunan"',
      },
      {
        file: 'overrides.json',
        path: 'townLocks[1].countyId',
        message: 'county "empty" has no towns, so no visit this season',
      },
    ]);
  });

  it('reports contradictions: a pinned society excluded, two locks of one county, pins beyond capacity, another season', () => {
    const overrides = Overrides.parse({
      season: '2026-Q3',
      pins: [
        { societyId: 'agri', countyId: 'chunan' },
        { societyId: 'forest', countyId: 'chunan' },
      ],
      exclusions: [{ societyId: 'agri' }],
      townLocks: [
        { countyId: 'chunan', townId: 'fenkou' },
        { countyId: 'chunan', townId: 'qiandaohu' },
      ],
    });
    const full = { ...data, societies: [society('agri'), { ...society('forest'), capacityPerSeason: 0 }] };

    expect(
      inEnglish(checkOverrideReferences(full, overrides, '2026-Q4')).map(
        (issue) => `${issue.path}: ${issue.message}`,
      ),
    ).toEqual([
      'season: is "2026-Q3" but the plan is for "2026-Q4"',
      'pins[1].societyId: society "forest" is pinned to 1 visit but its capacityPerSeason is 0',
      'exclusions[0]: excludes society "agri" that pins[0] pins to county "chunan"',
      'townLocks[1].countyId: county "chunan" is already locked by townLocks[0]',
    ]);
  });

  it('rejects unknown keys, so a misspelt override is not silently ignored', () => {
    const result = Overrides.safeParse({ pin: [{ societyId: 'agri', countyId: 'chunan' }] });

    expect(result.success).toBe(false);
  });
});
