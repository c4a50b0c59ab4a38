/**
 * Found by the fault-injection harness: after a restart, a team that answers while the re-run is
 * re-sending its offer completed the offer's old task token (the dead run's), and SendOfferAndWaitForAnswer, having
 * read the offer before the answer, never handed it to the new wait: the accepted offer timed out.
 * The answer is injected deterministically right after SendOfferAndWaitForAnswer's first read of the offer.
 * Found the same way: the answer came before SendOfferAndWaitForAnswer queued the offer's reminder, so nothing
 * cancelled it, and it stayed queued for an answered offer (SendOfferAndWaitForAnswer now cancels it).
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { asEmbeddedRuntime, currentCaller, runAsFunction } from '#local/aws-rules/identity';
import { embeddedRuntime } from '#support/embedded-api';

const SEASON = '2031-Q1';
const context = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
embeddedRuntime(loadDataDir(DEMO_DATA_DIR));

it('an answer given while the offer is sent again reaches the new wait', async () => {
  const { createOffer, attachTaskToken, getOfferById } = await import('#store/offers');
  const { waitForToken } = await import('#local/task-tokens');
  const { answerOffer } = await import('#services/answer-offer');
  const { documents: documentClient } = await import('#commons/clients');
  const offer = {
    season: SEASON,
    countyId: 'chunan',
    townId: 'linqi',
    societyId: 'zhongyiyao',
    needIds: ['need-chunan-011'],
    createdAt: new Date().toISOString(),
  };
  expect(await createOffer(offer, 10)).toBe('created');
  const id = `${SEASON}.chunan.zhongyiyao`;
  const signal = new AbortController();
  // The dead run's wait: its token is still on the offer, still `waiting`.
  const oldToken = randomUUID();
  void waitForToken(oldToken, signal.signal).catch(() => {});
  const at = new Date().toISOString();
  await attachTaskToken((await getOfferById(id))!, oldToken, at, at);

  // The re-run's wait, and the team's answer right after SendOfferAndWaitForAnswer first reads the offer.
  const newToken = randomUUID();
  const answered = waitForToken(newToken, signal.signal);
  let injected = false;
  const inject =
    (next: (args: unknown) => Promise<unknown>, ctx: { commandName?: string }) => async (args: unknown) => {
      const result = await next(args);
      const caller = currentCaller();
      if (
        !injected &&
        ctx.commandName === 'GetItemCommand' &&
        caller?.kind === 'function' &&
        caller.functionId === 'SendOfferAndWaitForAnswer'
      ) {
        injected = true;
        await asEmbeddedRuntime(() => answerOffer(id, 'accept', 'zhongyiyao:lead'));
      }
      return result;
    };
  (documentClient().middlewareStack.add as (...args: unknown[]) => void)(inject, {
    step: 'initialize',
    name: 'answerDuringResend',
  });
  try {
    const { handler } = await import('#functions/round/send-offer-and-wait-for-answer');
    await runAsFunction('SendOfferAndWaitForAnswer', () =>
      handler(
        { season: SEASON, offerId: id, offerTimeoutSeconds: 3600, autoAccept: false, taskToken: newToken },
        context,
      ),
    );
  } finally {
    documentClient().middlewareStack.remove('answerDuringResend');
  }
  expect(injected).toBe(true);
  expect((await getOfferById(id))?.decision).toBe('accept');
  // The new wait has the answer (without the fix it stays waiting until the offer times out).
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const { documents, tableName } = await import('#commons/clients');
  const { keys } = await import('#schemas/keys');
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.taskToken(newToken) }),
  );
  expect(Item?.status).toBe('succeeded');
  await answered;
  signal.abort();
  const { seasonOutbox } = await import('#store/outbox');
  // One copy per reader and medium, each cancelled.
  const reminders = (await seasonOutbox(SEASON)).filter((m) => m.id.startsWith(`${id}#reminder#`));
  expect(reminders.length).toBeGreaterThan(0);
  expect(reminders.every((m) => m.status === 'cancelled')).toBe(true);
});
