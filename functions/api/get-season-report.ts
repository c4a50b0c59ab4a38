import { download, json, routeHandler } from '#commons/http';
import { getSeasonReport } from '#routes/seasons';
import { exportSeasonReport } from '#services/report-season';

/**
 * GET /seasons/{season}/report[?format=csv|xlsx] (coordinator) — needs collected, assigned,
 * visited, handled (resolved), cooperations reached and carried over, per county and in total.
 * The same figures as `rounds report`. CSV: UTF-8 with BOM, Chinese headers, Beijing times.
 */
export const handler = routeHandler(getSeasonReport, async ({ params: { season }, query }) => {
  const format = query.format ?? 'json';
  const exported = await exportSeasonReport(season, format);
  return format === 'json' ? json(200, exported.report) : download(exported);
});
