import type { DataSet } from '#schemas/data-dir';

/**
 * A small catalog the catalog tests own: two counties, two societies, three open needs. One need
 * (无人机植保, talent) has no competent society until a test adds one through the API.
 */
export const SMALL_CATALOG: DataSet = {
  counties: [
    {
      id: 'shanxi',
      name: { zh: '山溪县', en: 'Shanxi County' },
      towns: [
        { id: 'dongcun', name: { zh: '东村镇', en: 'Dongcun' } },
        { id: 'xicun', name: { zh: '西村镇', en: 'Xicun' } },
      ],
    },
    {
      id: 'linhe',
      name: { zh: '临河县', en: 'Linhe County' },
      towns: [{ id: 'hekou', name: { zh: '河口镇', en: 'Hekou' } }],
    },
  ],
  societies: [
    {
      id: 'nongxue',
      name: { zh: '山溪农学会', en: 'Shanxi Agricultural Society' },
      themes: ['industry'],
      fields: ['茶叶'],
      capacityPerSeason: 3,
      contact: { email: 'nongxue@example.org' },
    },
    {
      id: 'kepu',
      name: { zh: '临河科普协会', en: 'Linhe Science Popularisation Association' },
      themes: ['literacy'],
      fields: ['健康'],
      capacityPerSeason: 2,
      contact: { phone: '+86 571 1234 5678' },
    },
  ],
  needs: [
    {
      id: 'n-tea',
      countyId: 'shanxi',
      townId: 'dongcun',
      theme: 'industry',
      field: '茶叶',
      title: '茶园病虫害防治',
      urgency: 'high',
      submittedAt: '2026-10-02T09:00:00+08:00',
    },
    {
      id: 'n-drone',
      countyId: 'shanxi',
      townId: 'dongcun',
      theme: 'talent',
      field: '无人机',
      title: '无人机植保人才',
      urgency: 'high',
      submittedAt: '2026-10-03T09:00:00+08:00',
    },
    {
      id: 'n-health',
      countyId: 'linhe',
      townId: 'hekou',
      theme: 'literacy',
      field: '健康',
      title: '老年人健康讲座',
      urgency: 'normal',
      submittedAt: '2026-10-04T09:00:00+08:00',
    },
  ],
  visits: [],
};
