import { download, routeHandler } from '#commons/http';
import { getVisitCalendar } from '#routes/schedule';
import { visitForCaller } from '#services/read-visit';
import { visitCalendar } from '#services/schedule-visit';

/**
 * GET /visits/{visitId}/calendar.ics — the visit date as an iCalendar event (Asia/Shanghai) for the
 * phone's calendar; whoever may read the visit may fetch it, 409 while no date is set.
 */
export const handler = routeHandler(getVisitCalendar, async ({ caller, params: { visitId } }) => {
  const file = await visitCalendar(await visitForCaller(caller, visitId));
  return download(
    { contentType: 'text/calendar; charset=utf-8', fileName: file.fileName, body: file.body },
    { 'cache-control': 'no-store' },
  );
});
