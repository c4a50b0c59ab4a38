import { json, routeHandler } from '#commons/http';
import { getReports } from '#routes/reports';
import { exportAssociationReport } from '#services/report-range';

/**
 * GET /reports?from=&to=[&format=json|csv|xlsx|docx] (coordinator) — the association's report over
 * a range of seasons: the season reports' figures summed, the people reached, the typical cases.
 */
export const handler = routeHandler(getReports, async ({ query }) => {
  const format = query.format ?? 'json';
  const exported = await exportAssociationReport(query.from, query.to, format);
  if (format === 'json') return json(200, exported.report);
  const headers = {
    'content-type': exported.contentType,
    'content-disposition': `attachment; filename="${exported.fileName}"`,
  };
  if (Buffer.isBuffer(exported.body)) {
    return { statusCode: 200, headers, body: exported.body.toString('base64'), isBase64Encoded: true };
  }
  return { statusCode: 200, headers, body: exported.body };
});
