import { type ApiHandler, download, json, requireOwnSociety, routeDispatcher, serve } from '#commons/http';
import { getReports, getSocietyExperts } from '#routes/reports';
import { exportAssociationReport } from '#services/report-range';
import { societyRoster } from '#services/society-roster';

/**
 * GET /reports?from=&to=[&format=json|csv|xlsx|docx] (coordinator) — the association's report over
 * a range of seasons: the season reports' figures summed, the people reached, the typical cases.
 */
const reports = serve(getReports, async ({ query }) => {
  const format = query.format ?? 'json';
  const exported = await exportAssociationReport(query.from, query.to, format);
  return format === 'json' ? json(200, exported.report) : download(exported);
});

/** GET /societies/{societyId}/experts (the society's team, or a coordinator). */
const roster = serve(getSocietyExperts, async ({ caller, params }) => {
  if (caller.role !== 'coordinator')
    requireOwnSociety(caller, params.societyId, { zh: '专家名单', en: 'the roster' });
  return json(200, { items: await societyRoster(params.societyId) });
});

export const handler: ApiHandler = routeDispatcher([reports, roster]);
