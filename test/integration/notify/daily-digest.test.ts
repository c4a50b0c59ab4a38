/**
 * The coordinators' daily digest on DynamoDB Local: nothing when nothing happened; after a day with
 * answers and a failed message, one digest in the outbox (kind digest, to the coordinators' topic)
 * counting them, and only one however often the day's timer fires.
 */
import { describe, expect, it } from 'vitest';
import { currentSeason } from '#domain/season';
import { keys } from '#schemas/keys';
import type { StoredMessage } from '#store/outbox';
import { embeddedRuntime } from '#support/embedded-api';
import { SMALL_CATALOG } from '#support/small-catalog';

const SEASON = currentSeason();
const runtime = embeddedRuntime(SMALL_CATALOG);
const digests = async () => {
  const { seasonOutbox } = await import('#store/outbox');
  return (await seasonOutbox(SEASON)).filter((m) => m.kind === 'digest');
};

describe('the daily digest', () => {
  it('says nothing on a day when nothing happened', async () => {
    const { queueDailyDigest } = await import('#services/daily-digest');
    expect((await queueDailyDigest(new Date())).outcome).toBe('nothing-to-say');
    expect(await digests()).toEqual([]);
  });

  it('counts the last 24 hours’ answers and failed messages, once a day', async () => {
    expect((await runtime.runner.run({ season: SEASON, autoAccept: true })).status).toBe('SUCCEEDED');
    const { seasonOffers } = await import('#store/offers');
    const accepted = (await seasonOffers(SEASON)).filter((o) => o.status === 'accepted').length;
    expect(accepted).toBeGreaterThan(0);
    const now = new Date();
    const failed: StoredMessage = {
      id: 'm-failed',
      season: SEASON,
      audience: 'society',
      medium: 'webhook',
      to: 'https://oapi.dingtalk.com/robot/send?access_token=x',
      subject: 's',
      body: 'b',
      createdAt: now.toISOString(),
      notBefore: now.toISOString(),
      status: 'failed',
      lastErrorCode: 'signature',
      failedAt: now.toISOString(),
    };
    await runtime.put({ ...keys.outbox(SEASON, failed.id), type: 'message', ...failed });
    const { queueDailyDigest } = await import('#services/daily-digest');
    const until = new Date(now.getTime() + 1000);

    const first = await queueDailyDigest(until);
    const again = await queueDailyDigest(new Date(until.getTime() + 60_000));

    expect(first.outcome).toBe('queued');
    expect(again.outcome).toBe('sent-already');
    const [digest, ...more] = await digests();
    expect(more).toEqual([]);
    expect(digest).toMatchObject({
      audience: 'coordinator',
      medium: 'topic',
      kind: 'digest',
      status: 'queued',
      recipient: { kind: 'coordinators' },
    });
    expect(digest?.subject).toMatch(/^【每日摘要】\d+月\d+日 \d\d:\d\d 至 /);
    expect(digest?.body).toContain(`- 学会答复：接受 ${accepted} 个，婉拒 0 个`);
    expect(digest?.body).toContain('- 发送失败的消息 1 条，见看板');
    expect(digest?.body).toContain(`answers: ${accepted} accepted, 0 declined; 1 message not delivered`);
  });
});
