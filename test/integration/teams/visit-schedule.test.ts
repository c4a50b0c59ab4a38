/**
 * The visit date both sides agree (docs/rules.md, "The visit date") on the embedded runtime: a round
 * whose offers wait, one society accepts and one declines; then who may propose and confirm, the
 * date's bounds, retries, re-proposals, GET /visits/{id} and the calendar file read back by ical.js.
 */
import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import type { LocalClaims } from '#local/tokens';
import { VisitDetail } from '#schemas/api';
import { VisitSchedule } from '#schemas/schedule';
import { shanghaiDate } from '#schemas/shanghai-time';
import { embeddedApi } from '#support/embedded-api';
import type { Json } from '#support/http';
import { until } from '#support/until';

const SEASON = '2027-Q2';
const demo = loadDataDir(DEMO_DATA_DIR);
const api = embeddedApi(demo, 'visit-schedule-');

const team = (society: string): LocalClaims => ({ role: 'team', society, sub: `lead-of-${society}` });
const liaison = (county: string): LocalClaims => ({ role: 'liaison', county, sub: `liaison-${county}` });
const coordinator: LocalClaims = { role: 'coordinator', sub: 'coordinator-wang' };
const dayIn = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));

let visitId: string;
let countyId: string;
let accepted: string;
let declined: string | undefined;
let stranger: string;
let otherCounty: string;

const propose = (as: LocalClaims, body: unknown, headers: Record<string, string> = {}) =>
  api.call('PUT', `/visits/${visitId}/schedule`, { as, body, headers });
const confirm = (as: LocalClaims, body: unknown = {}, headers: Record<string, string> = {}) =>
  api.call('POST', `/visits/${visitId}/schedule/confirm`, { as, body, headers });
const visit = async () => (await api.call('GET', `/visits/${visitId}`, { as: coordinator })).body as Json;

beforeAll(async () => {
  void api.runner.run({ season: SEASON, autoAccept: false, offerTimeoutSeconds: 600 });
  const offers = await api.store.offersWaiting(SEASON);
  const byCounty = Map.groupBy(offers, (o) => o.countyId);
  const [county, pair] = [...byCounty].find(([, list]) => list.length >= 2) ?? [...byCounty][0]!;
  countyId = county;
  visitId = pair[0]!.visitId;
  accepted = pair[0]!.societyId;
  declined = pair[1]?.societyId;
  const onVisit = new Set(pair.map((o) => o.societyId));
  stranger = demo.societies.find((s) => !onVisit.has(s.id))!.id;
  otherCounty = demo.counties.find((c) => c.id !== countyId)!.id;
  expect(
    (await api.call('POST', `/assignments/${pair[0]!.id}/accept`, { as: team(accepted), body: {} })).status,
  ).toBe(200);
  if (pair[1]) {
    const reply = await api.call('POST', `/assignments/${pair[1].id}/decline`, {
      as: team(pair[1].societyId),
      body: { reason: '专家外出' },
    });
    expect(reply.status).toBe(200);
  }
  await until('the acceptance recorded', async () =>
    (await api.store.getOffer(SEASON, countyId, accepted))?.status === 'accepted' ? true : undefined,
  );
}, 120_000);

describe('the visit date', () => {
  it('has no schedule before anyone proposes, and no calendar file (409 in both languages)', async () => {
    expect((await visit()).schedule).toBeNull();
    const ics = await api.call('GET', `/visits/${visitId}/calendar.ics`, { as: liaison(countyId) });
    expect(ics.status).toBe(409);
    expect(ics.body.error.message).toMatch(/尚未约定日期.*\/ .*no date/);
  });

  it('refuses a date in the past, one more than a year ahead, a non-date and a bad time with 400 naming the field, writing nothing', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ date: dayIn(-2) }, 'date', /不能早于今天.*before today/],
      [{ date: dayIn(400) }, 'date', /不能晚于一年之后.*later than/],
      [{ date: '2027-02-30' }, 'date', /须为日期.*must be a date/],
      [{ date: dayIn(10), time: '25:00' }, 'time', /须为时刻.*must be a time/],
      [{ date: dayIn(10), note: 'x'.repeat(201) }, 'note', /200.*200/],
    ];
    for (const [body, field, message] of cases) {
      const reply = await propose(team(accepted), body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      const issue = reply.body.error.fields.find((f: Json) => f.path === field);
      expect(`${issue?.message ?? ''} ${reply.body.error.message}`).toMatch(message);
    }
    expect((await visit()).schedule).toBeNull();
  });

  it('refuses a society that declined, a society not on the visit, another county’s liaison and a coordinator (403)', async () => {
    const body = { date: dayIn(20) };
    if (declined) expect((await propose(team(declined), body)).status).toBe(403);
    const refused = await propose(team(stranger), body);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/仅承接本次走访的学会或本县联络员.*\/ only a society/);
    expect((await propose(liaison(otherCounty), body)).status).toBe(403);
    expect((await propose(coordinator, body)).status).toBe(403);
    expect((await visit()).schedule).toBeNull();
  });

  it('records the society’s proposal once for a retried Idempotency-Key (409 for the key on another date), and lets it not confirm its own (409)', async () => {
    const body = { date: dayIn(30), time: '09:30', note: '上午在镇政府会议室座谈' };
    const key = { 'Idempotency-Key': 'schedule-propose-0001' };
    const first = await propose(team(accepted), body, key);
    const again = await propose(team(accepted), body, key);

    expect(first.status).toBe(200);
    expect(VisitSchedule.safeParse(first.body).success).toBe(true);
    expect(first.body).toMatchObject({ status: 'proposed', version: 1, date: body.date, time: '09:30' });
    expect(first.body.proposedBy).toMatchObject({
      role: 'team',
      societyId: accepted,
      name: demo.societies.find((s) => s.id === accepted)!.name,
    });
    expect(first.body.startsAt).toBe(`${body.date}T09:30:00.000+08:00`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const reused = await propose(team(accepted), { ...body, date: dayIn(31) }, key);
    expect(reused.status).toBe(409);
    expect(reused.body.error.message).toMatch(/另一次请求.*\/ .*another request/);
    const detail = await visit();
    expect(detail.schedule.version).toBe(1);
    expect(detail.log.filter((e: Json) => e.kind === 'date-proposed')).toHaveLength(1);

    const own = await confirm(team(accepted));
    expect(own.status).toBe(409);
    expect(own.body.error.message).toMatch(/须由县联络员确认 \/ .*liaison confirms/);
    expect((await confirm(liaison(otherCounty))).status).toBe(403);
    if (declined) expect((await confirm(team(declined))).status).toBe(403);
    expect((await visit()).schedule.status).toBe('proposed');
  });

  it('lets the county’s liaison confirm, refuses a confirmation of a version it never saw, and shows both on GET /visits/{id}', async () => {
    const stale = await confirm(liaison(countyId), { version: 7 });
    expect(stale.status).toBe(409);

    const reply = await confirm(liaison(countyId), { version: 1 });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'confirmed', version: 1 });
    expect(reply.body.confirmedBy).toMatchObject({ role: 'liaison', countyId });
    expect(reply.body.confirmedBy.name.zh).toBe(
      `${demo.counties.find((c) => c.id === countyId)!.name.zh}联络员`,
    );

    const detail = await visit();
    expect(VisitDetail.safeParse(detail).success).toBe(true);
    expect(detail.schedule).toEqual(reply.body);
    const audit = await api.call('GET', '/audit', { as: coordinator });
    const actions = audit.body.items.map((e: Json) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['visit.schedule.propose', 'visit.schedule.confirm']));
  });

  it('gives a calendar file for the phone: Asia/Shanghai, the town, the five questions and the society by name', async () => {
    const reply = await api.call('GET', `/visits/${visitId}/calendar.ics`, { as: team(accepted) });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const text = String(reply.body);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);

    const root = new ICAL.Component(ICAL.parse(text));
    for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    const event = new ICAL.Event(root.getFirstSubcomponent('vevent')!);
    const county = demo.counties.find((c) => c.id === countyId)!;
    const detail = await visit();
    expect(event.uid).toBe(`${visitId}@science-rounds`);
    expect(event.summary).toBe(`科技服务走访：${county.name.zh}${detail.town.name.zh}`);
    expect(event.location).toContain(`${county.name.zh}${detail.town.name.zh}`);
    expect(event.component.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Asia/Shanghai');
    expect(event.startDate.zone?.tzid).toBe('Asia/Shanghai');
    expect(event.startDate.toJSDate().toISOString()).toBe(
      new Date(`${detail.schedule.date}T09:30:00+08:00`).toISOString(),
    );
    for (const q of detail.questions) expect(event.description).toContain(q.text.zh);
    expect(event.description).toContain(demo.societies.find((s) => s.id === accepted)!.name.zh);
    if (declined)
      expect(event.description).not.toContain(demo.societies.find((s) => s.id === declined)!.name.zh);
    expect(event.description).toContain('上午在镇政府会议室座谈');

    expect((await api.call('GET', `/visits/${visitId}/calendar.ics`, { as: team(stranger) })).status).toBe(
      403,
    );
    expect(
      (await api.call('GET', `/visits/${visitId}/calendar.ics`, { as: liaison(otherCounty) })).status,
    ).toBe(403);
  });

  it('re-opens a confirmed date on a new proposal (version 2, proposed by the liaison), which the society then confirms', async () => {
    const day = dayIn(45);
    const moved = await propose(liaison(countyId), { date: day });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      status: 'proposed',
      version: 2,
      date: day,
      proposedBy: { role: 'liaison' },
    });
    expect(moved.body.confirmedBy).toBeUndefined();
    expect(moved.body.time).toBeUndefined();
    expect(moved.body.startsAt).toBe(`${day}T00:00:00.000+08:00`);

    expect((await confirm(liaison(countyId))).status).toBe(409);
    const confirmed = await confirm(team(accepted), { version: 2 });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      status: 'confirmed',
      version: 2,
      confirmedBy: { societyId: accepted },
    });

    const ics = await api.call('GET', `/visits/${visitId}/calendar.ics`, { as: liaison(countyId) });
    const event = new ICAL.Event(
      new ICAL.Component(ICAL.parse(String(ics.body))).getFirstSubcomponent('vevent')!,
    );
    expect(event.startDate.isDate).toBe(true);
    expect(event.startDate.toString()).toBe(day);
    expect(event.sequence).toBe(1);
  });
});
