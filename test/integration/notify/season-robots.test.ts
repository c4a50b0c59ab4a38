/**
 * A whole season heard through signed robots, as `npm start` with NOTIFY=send delivers it: every
 * society and every county's liaisons have a DingTalk robot with 加签 (test/support/robot-server.ts
 * checks signatures and the 20-a-minute limit as DingTalk does). The plan is approved, offers go out,
 * one is declined, a date is proposed and confirmed, a report is filed; the dispatcher runs minute by
 * minute. Each robot hears its own, signed, with links, within its limit and nothing twice; the one
 * robot given a wrong secret is in the coordinator's failed list after its first try.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { recordingAdapters } from '#local/delivery';
import type { LocalClaims } from '#local/tokens';
import type { DataSet } from '#schemas/index';
import { THEMES } from '#schemas/primitives';
import { shanghaiDate } from '#schemas/shanghai-time';
import type { StoredMessage } from '#store/outbox';
import { embeddedApi } from '#support/embedded-api';
import { startRobotServer } from '#support/robot-server';
import { until } from '#support/until';

// Quiet hours would hold everything until 07:00; this test is about robots, not the night.
process.env.QUIET_HOURS = 'off';

const SEASON = '2027-Q2';
const SECRET = `SEC${'ab'.repeat(32)}`;
const WRONG = `SEC${'cd'.repeat(32)}`;
let world = Date.now();
const robots = await startRobotServer({ secret: SECRET, now: () => world });

const demo = loadDataDir(DEMO_DATA_DIR);
const misconfigured = demo.societies[0]!.id;
const data: DataSet = {
  ...demo,
  counties: demo.counties.map((c) => ({
    ...c,
    contact: { webhook: robots.url(`county-${c.id}`), webhookSecret: SECRET },
  })),
  societies: demo.societies.map((s) => ({
    ...s,
    contact: {
      webhook: robots.url(`society-${s.id}`),
      webhookSecret: s.id === misconfigured ? WRONG : SECRET,
    },
  })),
};
const api = embeddedApi(data, 'season-robots-');
afterAll(async () => {
  delete process.env.QUIET_HOURS;
  await robots.close();
});

const coordinator: LocalClaims = { role: 'coordinator', sub: 'coordinator-wang' };
const team = (society: string): LocalClaims => ({ role: 'team', society, sub: `lead-of-${society}` });
const liaison = (county: string): LocalClaims => ({ role: 'liaison', county, sub: `liaison-${county}` });

/** Runs the dispatcher a minute at a time (the robots read the same clock) until nothing is due. */
async function deliverAll(): Promise<void> {
  const { dispatchDue } = await import('#delivery/outbox-dispatch');
  const { webhookAdapter } = await import('#delivery/webhook');
  const others = recordingAdapters().adapters;
  for (let minute = 0; minute < 30; minute++) {
    world += 60_000;
    const result = await dispatchDue(new Date(world), {
      adapters: { ...others, webhook: webhookAdapter({ now: () => world }) },
    });
    if (result.sent.length + result.retrying.length + result.deferred.length + result.failed.length === 0)
      return;
  }
  throw new Error('the outbox never emptied');
}

const outbox = async () => (await api.store.seasonOutbox(SEASON)) as StoredMessage[];

beforeAll(async () => {
  void api.runner.run({ season: SEASON, autoAccept: false, offerTimeoutSeconds: 7 * 86_400 });
  const offers = await until('the offers sent', async () => {
    const waiting = await api.store.offersWaiting(SEASON);
    return waiting.length > 0 ? waiting : undefined;
  });
  // One offer declined, the others accepted; then one visit agrees a date and reports.
  const [declined, ...rest] = offers.filter((o) => o.societyId !== misconfigured);
  expect(
    (
      await api.call('POST', `/assignments/${declined!.id}/decline`, {
        as: team(declined!.societyId),
        body: { reason: '专家外出' },
      })
    ).status,
  ).toBe(200);
  for (const offer of [...rest, ...offers.filter((o) => o.societyId === misconfigured)])
    expect(
      (await api.call('POST', `/assignments/${offer.id}/accept`, { as: team(offer.societyId), body: {} }))
        .status,
    ).toBe(200);
  const visited = rest[0]!;
  const date = shanghaiDate(new Date(Date.now() + 20 * 86_400_000));
  expect(
    (
      await api.call('PUT', `/visits/${visited.visitId}/schedule`, {
        as: team(visited.societyId),
        body: { date },
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await api.call('POST', `/visits/${visited.visitId}/schedule/confirm`, {
        as: liaison(visited.countyId),
        body: {},
      })
    ).status,
  ).toBe(200);
  const filed = await api.call('POST', `/visits/${visited.visitId}/report`, {
    as: team(visited.societyId),
    headers: { 'idempotency-key': 'season-robots-report-1' },
    body: {
      visitDate: date,
      answers: Object.fromEntries(THEMES.map((theme) => [theme, `关于${theme}的答复`])),
      outcomes: visited.needIds.map((needId, i) => ({ needId, outcome: i === 0 ? 'resolved' : 'partial' })),
      cooperations: [],
    },
  });
  expect(filed.status).toBe(201);
  await until('the answers told to the liaisons', async () => {
    const kinds = new Set((await outbox()).map((m) => m.kind));
    return kinds.has('accepted') && kinds.has('declined') ? true : undefined;
  });
  await deliverAll();
}, 300_000);

describe('a season heard through signed robots', () => {
  it('reaches every society and every county’s liaisons, signed, each with the link to act on', async () => {
    const heard = new Set(robots.accepted.map((m) => m.robot));
    for (const county of demo.counties) expect(heard, county.id).toContain(`county-${county.id}`);
    const invited = new Set((await outbox()).filter((m) => m.kind === 'offer').map((m) => m.societyId));
    for (const society of invited)
      if (society !== misconfigured) expect(heard, society).toContain(`society-${society}`);
    // A signature the robot refused would be in `refused` with 310000: only the misconfigured one is.
    expect(new Set(robots.refused.filter((r) => r.errcode === 310000).map((r) => r.robot))).toEqual(
      new Set([`society-${misconfigured}`]),
    );
    for (const message of robots.accepted) {
      const card = message.body.actionCard as { singleURL?: string; text?: string } | undefined;
      expect(card?.singleURL, JSON.stringify(message.body)).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/(team|visit|needs|plan)\.html/,
      );
      expect(card?.text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    }
    const liaisonKinds = new Set(
      (await outbox()).filter((m) => m.audience === 'liaison' && m.status === 'sent').map((m) => m.kind),
    );
    for (const kind of [
      'town-chosen',
      'accepted',
      'declined',
      'date-proposed',
      'report-filed',
      'need-resolved',
    ])
      expect(liaisonKinds, kind).toContain(kind);
  });

  it('keeps every robot within 20 a minute and sends nothing twice', async () => {
    for (const robot of new Set(robots.accepted.map((m) => m.robot)))
      expect(robots.busiestMinute(robot)).toBeLessThanOrEqual(20);
    expect(robots.refused.filter((r) => r.errcode === 130101)).toEqual([]);
    const bodies = robots.accepted.map((m) => `${m.robot}|${JSON.stringify(m.body)}`);
    expect(new Set(bodies).size).toBe(bodies.length);
  });

  it('puts the robot with the wrong secret in the coordinator’s failed list after one try, named, with the reason in words', async () => {
    const failed = (await outbox()).filter((m) => m.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((m) => m.recipient?.id === misconfigured && m.lastErrorCode === 'signature')).toBe(
      true,
    );
    expect(failed.every((m) => m.attempts === 1)).toBe(true);
    const listed = await api.call('GET', `/notifications?status=failed&season=${SEASON}`, {
      as: coordinator,
    });
    expect(listed.status).toBe(200);
    const name = demo.societies[0]!.name.zh;
    expect(JSON.stringify(listed.body)).toContain(name);
    expect(JSON.stringify(listed.body)).toContain('签名');
  });
});
