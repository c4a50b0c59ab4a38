import type { County, Society } from '#schemas/index';

/**
 * What the plan review's tests (integration/plan/plan-review, browser/pages/plan-page) plan on: two
 * counties of two towns each, so a town lock has a town to move to.
 */
export const REVIEW_COUNTIES: County[] = [
  {
    id: 'aaa',
    name: { zh: '甲县', en: 'County A' },
    towns: [
      { id: 'a1', name: { zh: '甲一镇', en: 'A one' } },
      { id: 'a2', name: { zh: '甲二镇', en: 'A two' } },
    ],
  },
  {
    id: 'bbb',
    name: { zh: '乙县', en: 'County B' },
    towns: [
      { id: 'b1', name: { zh: '乙一镇', en: 'B one' } },
      { id: 'b2', name: { zh: '乙二镇', en: 'B two' } },
    ],
  },
];

/** The one society for bamboo needs, with room for a single visit: excluding it leaves needs unassigned. */
export const BAMBOO_SOCIETY: Society = {
  id: 'bamboo',
  name: { zh: '竹业学会', en: 'Bamboo society' },
  themes: ['industry'],
  fields: ['bamboo'],
  capacityPerSeason: 1,
};
