import { routeHandler } from '#commons/http';
import { getVisitCalendar } from '#routes/schedule';
import { visitForCaller } from '#services/read-visit';
import { visitCalendar } from '#services/schedule-visit';

/**
 * GET /visits/{visitId}/calendar.ics — the visit date as an iCalendar event (Asia/Shanghai) for the
 * phone's calendar; whoever may read the visit may fetch it, 409 while no date is set.
 */
export const handler = routeHandler(getVisitCalendar, async ({ caller, params: { visitId } }) => {
  const file = await visitCalendar(await visitForCaller(caller, visitId));
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/calendar; charset=utf-8',
      'content-disposition': `attachment; filename="${file.fileName}"`,
      'cache-control': 'no-store',
    },
    body: file.body,
  };
});
