/**
 * On a path the harness's seasons do not take: a need placed by hand after the
 * season's round completed is seen through by an execution of its own, which `npm start` did not
 * start again after a restart (it does not run a completed round again). Killed (SIGKILL) while the
 * placed offer waited, restarted, the team's answer then reached no execution: the offer stayed
 * `offered` for good, its acceptance never recorded.
 */
import { afterAll, expect, it } from 'vitest';
import { currentSeason } from '#domain/season';
import { signLocalToken } from '#local/tokens';
import { temporaryDirs } from '#support/rounds-cli';
import { attach, scanAll, startServer } from '#support/season-harness';
import { until as untilWithin } from '#support/until';

const until = <T>(what: string, probe: () => Promise<T | undefined | false>) =>
  untilWithin(what, probe, 60_000);

const dirs = temporaryDirs();
afterAll(() => dirs.removeAll());

it('a need placed by hand after the round completed is seen through after a restart', async () => {
  const season = currentSeason();
  const dataDir = dirs.make('placement-after-round-');
  const call = async (url: string, token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const offerOf = async (id: string) => {
    const client = attach(dataDir);
    try {
      return (await scanAll(client)).find((i) => i.type === 'offer' && i.id === id);
    } finally {
      client.destroy();
    }
  };

  // The demo's round completes at once (the societies accept); then the coordinator places a need.
  const first = startServer(dataDir, { AUTO_ACCEPT: '1' });
  try {
    const url = await first.url;
    await first.roundDone;
    const coordinator = await signLocalToken(dataDir, { role: 'coordinator', sub: 'coordinator' });
    // 建德's aviation needs had no competent society: the coordinator adds one, then places a need with it.
    const added = await call(url, coordinator, 'POST', '/societies', {
      id: 'hangkong',
      name: { zh: '杭州市航空学会', en: 'Hangzhou Aviation Society' },
      themes: ['talent', 'advice'],
      fields: ['航空'],
      capacityPerSeason: 2,
    });
    expect(added.status, JSON.stringify(added.json)).toBe(201);
    const unassigned = await call(url, coordinator, 'GET', `/seasons/${season}/unassigned`);
    const items = unassigned.json.items as { needId: string; candidates: { societyId: string }[] }[];
    const item = items.find((i) => i.candidates.length > 0);
    expect(item, 'a need a society with capacity left could take').toBeDefined();
    const placed = await call(url, coordinator, 'POST', `/seasons/${season}/needs/${item!.needId}/assign`, {
      societyId: item!.candidates[0]!.societyId,
    });
    expect(placed.status, JSON.stringify(placed.json)).toBe(201);
    const offerId = placed.json.offerId as string;
    await until('the placed offer sent', async () => {
      const offer = await offerOf(offerId);
      return offer?.taskToken && offer.status === 'offered' ? offer : undefined;
    });
    first.child.kill('SIGKILL');
    await first.exited;

    const second = startServer(dataDir, { AUTO_ACCEPT: '1' });
    try {
      const again = await second.url;
      await second.roundDone;
      expect(second.output.join('\n')).toContain('继续等待 1 份手工安排的邀请的答复');
      const societyId = item!.candidates[0]!.societyId;
      const team = await signLocalToken(dataDir, {
        role: 'team',
        society: societyId,
        sub: `lead-of-${societyId}`,
      });
      expect((await call(again, team, 'POST', `/assignments/${offerId}/accept`, {})).status).toBe(200);
      const accepted = await until('the acceptance recorded by the placement’s execution', async () => {
        const offer = await offerOf(offerId);
        return offer?.status === 'accepted' ? offer : undefined;
      });
      expect(accepted.placedBy).toBe('coordinator');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  } finally {
    first.child.kill('SIGKILL');
  }
}, 300_000);
