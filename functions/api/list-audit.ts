import { InvalidInputError } from '#commons/errors';
import { json, routeHandler } from '#commons/http';
import { listAudit } from '#routes/catalog';
import { auditPage } from '#store/audit';

/** GET /audit (coordinator) — the audit log, newest first, a page at a time (one Query). */
export const handler = routeHandler(listAudit, async ({ query }) => {
  const page = await auditPage(query.limit ?? 50, query.cursor);
  if (!page)
    throw new InvalidInputError('cursor 无效 / the cursor is not one of an earlier page', [
      {
        path: 'cursor',
        message: '无效 / not a cursor of this log',
        zh: '无效',
        en: 'not a cursor of this log',
      },
    ]);
  return json(200, page);
});
