import { z } from 'zod';
import { InvalidInputError } from '#commons/errors';
import { apiHandler, json, requireRole } from '#commons/http';
import { exportSeasonReport } from '#commons/season-report';
import { parseInput } from '#commons/validation';
import { SeasonId } from '#schemas/index';

const Params = z.object({ season: SeasonId });
const FORMATS = ['json', 'csv', 'xlsx'] as const;

/**
 * GET /seasons/{season}/report[?format=csv|xlsx] (coordinator) — needs collected, assigned,
 * visited, handled (resolved), cooperations reached and carried over, per county and in total.
 * The same figures as `rounds report`. CSV: UTF-8 with BOM, Chinese headers, Beijing times.
 */
export const handler = apiHandler(async (event, caller) => {
  requireRole(caller, 'coordinator');
  const { season } = parseInput(Params, event.pathParameters ?? {}, 'path');
  const format = event.queryStringParameters?.format ?? 'json';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new InvalidInputError(`format "${format}": use json, csv or xlsx`, [
      { path: 'format', message: 'must be json, csv or xlsx' },
    ]);
  }
  const exported = await exportSeasonReport(season, format as (typeof FORMATS)[number]);
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
