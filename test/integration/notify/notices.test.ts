/**
 * Who hears what (docs/rules.md, "Who hears what") on the embedded runtime: a season whose plan is
 * approved, one offer accepted and one declined, a date proposed, confirmed, moved and confirmed
 * again, a report filed with a resolved need. The outbox is read back: each reader's copies, their
 * texts (names, never ids; Beijing time, never ISO), links, when they are due, and that retried
 * events enqueue nothing twice.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { nextSendableTime } from '#domain/quiet-hours';
import type { LocalClaims } from '#local/tokens';
import type { County, DataSet } from '#schemas/index';
import { THEMES } from '#schemas/primitives';
import { shanghaiDate } from '#schemas/shanghai-time';
import type { StoredMessage } from '#store/outbox';
import { embeddedApi } from '#support/embedded-api';
import { until } from '#support/until';

const SEASON = '2027-Q3';
const demo = loadDataDir(DEMO_DATA_DIR);
/** Each county's liaisons have a group: a robot and an e-mail address. */
const data: DataSet = {
  ...demo,
  counties: demo.counties.map(
    (c): County => ({
      ...c,
      contact: { email: `${c.id}.group@example.gov.cn`, webhook: `http://127.0.0.1:9/robot/${c.id}` },
    }),
  ),
};
const api = embeddedApi(data, 'notices-');

const coordinator: LocalClaims = { role: 'coordinator', sub: 'coordinator-wang' };
const team = (society: string): LocalClaims => ({ role: 'team', society, sub: `lead-of-${society}` });
const liaison = (county: string): LocalClaims => ({ role: 'liaison', county, sub: `liaison-${county}` });
const memberEmail = (society: string) => `member.${society}@example.org.cn`;
const liaisonEmail = (county: string) => `liaison.${county}@example.gov.cn`;
const dayIn = (days: number) => shanghaiDate(new Date(Date.now() + days * 86_400_000));
const DAY = 86_400_000;

let countyId: string;
let visitId: string;
let accepted: string;
let declined: string;
let acceptedOfferId: string;
let county: County;

const outbox = async () => (await api.store.seasonOutbox(SEASON)) as StoredMessage[];
const of = (messages: StoredMessage[], kind: string) =>
  messages.filter((m) => m.kind === kind && m.visitId === visitId);
const addressesOf = (messages: StoredMessage[]) => messages.map((m) => `${m.medium}:${m.to}`).sort();
const countyGroup = () => [`email:${county.contact?.email}`, `webhook:${county.contact?.webhook}`];

beforeAll(async () => {
  // Every society has a team member with their own e-mail; every county a liaison with theirs.
  for (const society of demo.societies) {
    const reply = await api.call('POST', '/users', {
      as: coordinator,
      body: {
        name: `${society.name.zh}队员`,
        role: 'team',
        society: society.id,
        email: memberEmail(society.id),
      },
    });
    expect(reply.status).toBe(201);
  }
  for (const c of demo.counties) {
    const reply = await api.call('POST', '/users', {
      as: coordinator,
      body: { name: `${c.name.zh}联络员`, role: 'liaison', county: c.id, email: liaisonEmail(c.id) },
    });
    expect(reply.status).toBe(201);
  }
  void api.runner.run({ season: SEASON, autoAccept: false, offerTimeoutSeconds: 7 * 86_400 });
  const offers = await api.store.offersWaiting(SEASON);
  const byCounty = Map.groupBy(offers, (o) => o.countyId);
  const [chosen, pair] = [...byCounty].find(([, list]) => list.length >= 2)!;
  countyId = chosen;
  county = data.counties.find((c) => c.id === countyId)!;
  visitId = pair[0]!.visitId;
  accepted = pair[0]!.societyId;
  acceptedOfferId = pair[0]!.id;
  declined = pair[1]!.societyId;
  expect(
    (await api.call('POST', `/assignments/${pair[0]!.id}/accept`, { as: team(accepted), body: {} })).status,
  ).toBe(200);
  expect(
    (
      await api.call('POST', `/assignments/${pair[1]!.id}/decline`, {
        as: team(declined),
        body: { reason: '专家外出' },
      })
    ).status,
  ).toBe(200);
  await until('the acceptance and the decline told to the liaisons', async () => {
    const messages = await outbox();
    return of(messages, 'accepted').length > 0 && of(messages, 'declined').length > 0 ? true : undefined;
  });
}, 180_000);

describe('a county’s liaisons', () => {
  it('hear their town and the societies invited when the plan is approved, at the group and the liaison’s own e-mail', async () => {
    const chosen = of(await outbox(), 'town-chosen');
    expect(addressesOf(chosen)).toEqual([...countyGroup(), `email:${liaisonEmail(countyId)}`].sort());
    const town = county.towns.find((t) => visitId.endsWith(countyId) && chosen[0]!.body.includes(t.name.zh));
    expect(town).toBeDefined();
    for (const society of [accepted, declined])
      expect(chosen[0]!.body).toContain(demo.societies.find((s) => s.id === society)!.name.zh);
    expect(chosen[0]).toMatchObject({
      audience: 'liaison',
      countyId,
      recipient: { kind: 'county', id: countyId },
    });
    expect(chosen.every((m) => m.societyId === undefined)).toBe(true);
  });

  it('hear the acceptance and the decline, with what happens to the declined needs', async () => {
    const messages = await outbox();
    const [yes, no] = [of(messages, 'accepted'), of(messages, 'declined')];
    expect(addressesOf(yes)).toEqual([...countyGroup(), `email:${liaisonEmail(countyId)}`].sort());
    expect(addressesOf(no)).toEqual(addressesOf(yes));
    expect(yes[0]!.body).toContain(`${demo.societies.find((s) => s.id === accepted)!.name.zh}已接受`);
    expect(no[0]!.body).toContain(demo.societies.find((s) => s.id === declined)!.name.zh);
    expect(no[0]!.body).toMatch(/改请其他对口学会.*\n.*another competent society/s);
  });
});

describe('a society', () => {
  it('gets its offer at its catalog contact and at its invited member’s own e-mail', async () => {
    const offers = (await outbox()).filter((m) => m.kind === 'offer' && m.offerId === acceptedOfferId);
    const contact = demo.societies.find((s) => s.id === accepted)!.contact;
    expect(addressesOf(offers)).toContain(`email:${memberEmail(accepted)}`);
    if (contact?.email) expect(addressesOf(offers)).toContain(`email:${contact.email}`);
    expect(offers.find((m) => m.to === memberEmail(accepted))?.recipient).toMatchObject({ kind: 'user' });
    // One copy is on the society's team page, not one per reader.
    expect(offers.filter((m) => m.societyId === accepted)).toHaveLength(1);
    const reminders = (await outbox()).filter((m) => m.kind === 'reminder' && m.offerId === acceptedOfferId);
    expect(reminders.length).toBe(offers.length);
    expect(reminders.every((m) => m.status === 'cancelled')).toBe(true);
  });
});

describe('the visit date, its reminders and the report', () => {
  const first = { date: dayIn(30), time: '09:30' };
  const second = { date: dayIn(45) };
  const startsAt = (s: { date: string; time?: string }) =>
    new Date(`${s.date}T${s.time ?? '00:00'}:00+08:00`);

  it('tells the liaisons the society’s proposal, and the society (contact and member) the liaison’s confirmation', async () => {
    expect(
      (await api.call('PUT', `/visits/${visitId}/schedule`, { as: team(accepted), body: first })).status,
    ).toBe(200);
    const proposed = of(await outbox(), 'date-proposed');
    expect(addressesOf(proposed)).toEqual([...countyGroup(), `email:${liaisonEmail(countyId)}`].sort());
    expect(proposed[0]!.body).toMatch(/提议.*9:30|提议.*09:30/);

    const confirm = await api.call('POST', `/visits/${visitId}/schedule/confirm`, {
      as: liaison(countyId),
      body: {},
    });
    expect(confirm.status).toBe(200);
    const confirmed = of(await outbox(), 'date-confirmed');
    expect(addressesOf(confirmed)).toContain(`email:${memberEmail(accepted)}`);
    expect(confirmed.every((m) => m.audience === 'society' && m.recipient?.kind !== 'county')).toBe(true);
    expect(confirmed[0]!.body).toContain('09:30');
  });

  it('queues visit-soon 7 days and 1 day before and report-due 3 days after, at their times past quiet hours', async () => {
    const messages = await outbox();
    const at = startsAt(first).getTime();
    for (const days of [7, 1]) {
      const soon = of(messages, 'visit-soon').filter((m) => m.id.includes(`${first.date}#${days}d`));
      expect(addressesOf(soon)).toEqual(
        expect.arrayContaining([...countyGroup(), `email:${memberEmail(accepted)}`]),
      );
      expect(new Set(soon.map((m) => m.notBefore))).toEqual(
        new Set([nextSendableTime(new Date(at - days * DAY)).toISOString()]),
      );
      expect(soon.every((m) => m.status === 'queued')).toBe(true);
    }
    const due = of(messages, 'report-due');
    expect(addressesOf(due)).toContain(`email:${memberEmail(accepted)}`);
    expect(due.every((m) => m.notBefore === nextSendableTime(new Date(at + 3 * DAY)).toISOString())).toBe(
      true,
    );
    expect(due.some((m) => m.recipient?.kind === 'county')).toBe(false);
  });

  it('cancels the old date’s reminders when the date moves, and queues the new date’s — also when the first confirmation failed to enqueue them', async () => {
    expect(
      (await api.call('PUT', `/visits/${visitId}/schedule`, { as: team(accepted), body: second })).status,
    ).toBe(200);
    // The confirmation is written, then its first notice fails to enqueue: the request fails, the date
    // stays confirmed, and the same request again (its Idempotency-Key) enqueues the notices.
    const { documents } = await import('#commons/clients');
    let failed = false;
    const plain = (v: unknown) => (v && typeof v === 'object' && 'S' in v ? (v as { S: unknown }).S : v);
    const failFirstNotice =
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        const item = (args as { input?: { Item?: Record<string, unknown> } }).input?.Item;
        if (!failed && /^Put/.test(context.commandName ?? '') && plain(item?.kind) === 'date-confirmed') {
          failed = true;
          throw new Error('the outbox write failed');
        }
        return next(args);
      };
    (documents().middlewareStack.add as (...args: unknown[]) => void)(failFirstNotice, {
      step: 'initialize',
      name: 'noticeFails',
    });
    const key = { 'Idempotency-Key': 'notices-confirm-0002' };
    const confirm = () =>
      api.call('POST', `/visits/${visitId}/schedule/confirm`, {
        as: liaison(countyId),
        body: {},
        headers: key,
      });
    try {
      expect((await confirm()).status).toBe(500);
    } finally {
      documents().middlewareStack.remove('noticeFails');
    }
    expect(failed).toBe(true);
    const visit = await api.call('GET', `/visits/${visitId}`, { as: liaison(countyId) });
    expect(visit.body.schedule).toMatchObject({ date: second.date, status: 'confirmed' });
    const confirmedOf = async () => of(await outbox(), 'date-confirmed').filter((m) => m.id.includes('#v2#'));
    const before = await confirmedOf();
    expect((await confirm()).status).toBe(200);
    const after = await confirmedOf();
    expect(after.length).toBeGreaterThan(before.length);
    expect(addressesOf(after)).toContain(`email:${memberEmail(accepted)}`);
    const messages = await outbox();
    const old = [...of(messages, 'visit-soon'), ...of(messages, 'report-due')].filter((m) =>
      m.id.includes(first.date),
    );
    expect(old.length).toBeGreaterThan(0);
    expect(old.every((m) => m.status === 'cancelled')).toBe(true);
    const fresh = of(messages, 'visit-soon').filter((m) => m.id.includes(`${second.date}#7d`));
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((m) => m.status === 'queued')).toBe(true);
    expect(fresh[0]!.notBefore).toBe(
      nextSendableTime(new Date(startsAt(second).getTime() - 7 * DAY)).toISOString(),
    );
  });

  it('tells the liaisons the report and each need it resolved, by title, and cancels the report reminder', async () => {
    const offer = await api.store.getOffer(SEASON, countyId, accepted);
    const [resolvedId, ...rest] = offer!.needIds;
    const body = {
      visitDate: second.date,
      answers: Object.fromEntries(THEMES.map((theme) => [theme, `关于${theme}的答复`])),
      outcomes: [
        { needId: resolvedId, outcome: 'resolved' },
        ...rest.map((needId) => ({ needId, outcome: 'partial' })),
      ],
      cooperations: [],
    };
    const headers = { 'idempotency-key': 'notices-report-0001' };
    const filed = await api.call('POST', `/visits/${visitId}/report`, { as: team(accepted), body, headers });
    expect(filed.status).toBe(201);
    const messages = await outbox();
    const report = of(messages, 'report-filed');
    expect(addressesOf(report)).toEqual([...countyGroup(), `email:${liaisonEmail(countyId)}`].sort());
    expect(report[0]!.body).toContain(`已解决 1 项`);
    const title = (await api.store.getNeed(resolvedId!))!.title;
    const resolved = of(messages, 'need-resolved');
    expect(addressesOf(resolved)).toEqual(addressesOf(report));
    expect(resolved[0]!.body).toContain(`“${title}”`);
    expect(resolved[0]!.link).toMatch(/\/needs\.html$/);
    const due = of(messages, 'report-due').filter((m) => m.id.includes(second.date));
    expect(due.length).toBeGreaterThan(0);
    expect(due.every((m) => m.status === 'cancelled')).toBe(true);
  });

  it('enqueues nothing twice for a retried event: a confirmation again, the report again, the approval again', async () => {
    const before = (await outbox()).length;
    await api.call('POST', `/visits/${visitId}/schedule/confirm`, { as: liaison(countyId), body: {} });
    const offer = await api.store.getOffer(SEASON, countyId, accepted);
    const again = await api.call('POST', `/visits/${visitId}/report`, {
      as: team(accepted),
      body: {
        visitDate: second.date,
        answers: Object.fromEntries(THEMES.map((theme) => [theme, `关于${theme}的答复`])),
        outcomes: [
          { needId: offer!.needIds[0], outcome: 'resolved' },
          ...offer!.needIds.slice(1).map((needId) => ({ needId, outcome: 'partial' })),
        ],
        cooperations: [],
      },
      headers: { 'idempotency-key': 'notices-report-0001' },
    });
    expect(again.status).toBeLessThan(300);
    const { noticePlanApproved } = await import('#services/notices');
    await noticePlanApproved(SEASON);
    expect((await outbox()).length).toBe(before);
  });
});

describe('every notice to a society or a county', () => {
  const KINDS = new Set([
    'offer',
    'reassigned',
    'reminder',
    'date-proposed',
    'date-confirmed',
    'visit-soon',
    'report-due',
    'town-chosen',
    'accepted',
    'declined',
    'report-filed',
    'need-resolved',
  ]);

  it('names places and societies, never ids, says no ISO time, and carries the link to the reader’s page', async () => {
    const messages = (await outbox()).filter((m) => m.kind && KINDS.has(m.kind));
    expect(new Set(messages.map((m) => m.kind))).toEqual(KINDS);
    const ids = [...demo.counties.map((c) => c.id), ...demo.societies.map((s) => s.id)];
    for (const m of messages) {
      const text = `${m.subject}\n${m.body}`;
      for (const id of ids) expect(text, `${m.id}: ${id}`).not.toMatch(new RegExp(`\\b${id}\\b`));
      expect(text, m.id).not.toMatch(/need-|n-\d|\d{4}-\d{2}-\d{2}T/);
      expect(m.body.split('\n')[0], m.id).toMatch(/[\u4e00-\u9fff]/);
      expect(m.body.split('\n').at(-1), m.id).toMatch(/[A-Za-z]{3}/);
      expect(m.link, m.id).toMatch(
        new RegExp(`^${api.server.url.replace(/\/$/, '')}/(team|visit|needs)\\.html`),
      );
    }
    expect(of(messages, 'accepted')[0]!.link).toBe(
      `${api.server.url.replace(/\/$/, '')}/visit.html?id=${encodeURIComponent(visitId)}`,
    );
  });
});
