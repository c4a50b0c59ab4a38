import type { County } from '#schemas/index';

/** A county with these towns, each named after its id (县 and 镇 added in Chinese). */
export function county(id: string, ...townIds: string[]): County {
  return {
    id,
    name: { zh: `${id}县`, en: id },
    towns: townIds.map((townId) => ({ id: townId, name: { zh: `${townId}镇`, en: townId } })),
  };
}

/** A need as a liaison of 淳安 submits it (POST /needs), valid against the demo data. */
export const chunanNeed = (overrides: Record<string, unknown> = {}) => ({
  countyId: 'chunan',
  townId: 'qiandaohu',
  theme: 'industry',
  field: '农业',
  title: '山核桃林下套种技术指导',
  detail: '希望林业专家来镇里现场指导。',
  urgency: 'high',
  ...overrides,
});
