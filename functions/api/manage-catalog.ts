import { type ApiHandler, download, json, routeDispatcher, serve } from '#commons/http';
import { withShownContact } from '#domain/contact-secret';
import * as routes from '#routes/catalog';
import type { Society } from '#schemas/catalog';
import {
  createCounty,
  createSociety,
  removeCounty,
  removeSociety,
  updateCounty,
  updateSociety,
} from '#services/edit-catalog';
import { listVersioned } from '#store/catalog';
import { auditActorOf } from '#store/users';

/**
 * The spreadsheet import and its template, with the XLSX/CSV readers and the XLSX writer: loaded by
 * those two routes only, a chunk of its own in the bundle (splitBundleCommand in infra/rounds-function.ts).
 */
const spreadsheets = () => import('#services/import-catalog');

/*
 * The coordinators' catalog routes: societies and counties (add, change, remove), the spreadsheet
 * import and its template. Every change is written with its audit entry in one transaction.
 */

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const handler: ApiHandler = routeDispatcher([
  serve(routes.listSocieties, async ({ caller }) => {
    // A team member's page names their own society; other societies' contacts stay with coordinators.
    // The robot's secret never leaves the table (domain/contact-secret.ts).
    const coordinator = caller.role === 'coordinator';
    const items = (await listVersioned<Society>('society'))
      .filter((society) => coordinator || society.id === caller.society)
      .map((society) => withShownContact(society, coordinator));
    items.sort((a, b) => a.id.localeCompare(b.id));
    return json(200, { items });
  }),
  serve(routes.createSociety, async ({ caller, body }) =>
    json(201, await createSociety(body, await auditActorOf(caller))),
  ),
  serve(routes.updateSociety, async ({ caller, params, headers, body }) =>
    json(200, await updateSociety(params.societyId, body, headers['If-Match'], await auditActorOf(caller))),
  ),
  serve(routes.removeSociety, async ({ caller, params, headers }) =>
    json(200, await removeSociety(params.societyId, headers['If-Match'], await auditActorOf(caller))),
  ),
  serve(routes.createCounty, async ({ caller, body }) =>
    json(201, await createCounty(body, await auditActorOf(caller))),
  ),
  serve(routes.updateCounty, async ({ caller, params, headers, body }) =>
    json(200, await updateCounty(params.countyId, body, headers['If-Match'], await auditActorOf(caller))),
  ),
  serve(routes.removeCounty, async ({ caller, params, headers }) =>
    json(200, await removeCounty(params.countyId, headers['If-Match'], await auditActorOf(caller))),
  ),
  serve(routes.importCatalog, async ({ caller, body }) =>
    json(200, await (await spreadsheets()).importCatalog(body, await auditActorOf(caller))),
  ),
  serve(routes.catalogTemplate, async ({ query }) => {
    const kind = query.kind ?? 'societies';
    const body = await (await spreadsheets()).catalogTemplate(kind);
    return download({ contentType: XLSX_TYPE, fileName: `catalog-${kind}.xlsx`, body });
  }),
]);
