// `npm start`: the whole product on one machine. Database, demo data, the current season's round,
// the API and pages, and the quarterly schedule, until Ctrl-C.
import '#local/terminal-logs';
import { DEFAULT_QUIET_HOURS, parseQuietHours } from '#domain/quiet-hours';
import { currentSeason } from '#domain/season';
import { localAdapters } from '#local/delivery';
import { resumeHandPlacements } from '#local/hand-placements';
import { keepServingOnUncaughtErrors, startHttpServer } from '#local/http-server';
import { localInvitation, ROLE_PAGES } from '#local/invitations';
import { migrateLocalData } from '#local/migrations';
import { startOutboxDispatcher } from '#local/outbox-dispatcher';
import { startDigestTimer, startQuarterlySchedule } from '#local/scheduler';
import { BUILT_IN_COORDINATOR } from '#schemas/users';
import { printStoredPlan, runRound } from './round-console.ts';
import { openLocalSession } from './session.ts';
import { startMode } from './start-mode.ts';

function portFromEnv(): number {
  const raw = process.env.PORT ?? '3000';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT "${raw}" is not a port number (0-65535)`);
  }
  return port;
}

async function main(): Promise<void> {
  const port = portFromEnv();
  // NOTIFY and QUIET_HOURS are checked before anything starts: a typo must not print what was meant to be sent.
  const quiet = parseQuietHours(process.env.QUIET_HOURS);
  // The demo shows a whole round at once; AUTO_APPROVE=0 and AUTO_ACCEPT=0 are real use.
  const mode = startMode(process.env);
  const autoAccept = mode.autoAccept;
  process.env.AUTO_APPROVE = mode.autoApprove ? '1' : '0';
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const delivery = localAdapters(process.env, out);
  out(mode.line);
  if (mode.realUse) out(mode.realUse);
  out(delivery.line);
  out(
    quiet
      ? `免打扰时段 / quiet hours: ${process.env.QUIET_HOURS?.trim() || DEFAULT_QUIET_HOURS}（北京时间 / Beijing time）`
      : '免打扰时段：关闭 / quiet hours: off',
  );

  out('正在启动本地数据库（DynamoDB Local）… / starting the embedded database…');
  const session = await openLocalSession();
  out(`数据目录 DATA_DIR: ${session.dataDir}`);
  if (session.seededFrom) out(`数据库为空，已载入演示数据：${session.seededFrom}`);
  // The data migrations before anything is served (docs/deploy.md); a failure stops the start.
  const migrated = await migrateLocalData(out);
  out(
    migrated.applied.length > 0
      ? `数据版本 ${migrated.from} → ${migrated.to} / data version ${migrated.from} → ${migrated.to}`
      : `数据版本 ${migrated.to}（已是最新）/ data version ${migrated.to} (up to date)`,
  );

  keepServingOnUncaughtErrors(out);
  const server = await startHttpServer({ port, dataDir: session.dataDir });
  out(`Listening on ${server.url}`);
  // A fresh one-time link each start (the previous one stops working); PUBLIC_URL, when set, is where it points.
  const origin = process.env.PUBLIC_URL?.replace(/\/+$/, '') || server.url;
  const coordinator = await localInvitation(
    session.dataDir,
    { role: 'coordinator', name: BUILT_IN_COORDINATOR.name },
    origin,
  );
  out(`Sign in as coordinator: ${coordinator.invitation.url}`);
  out(
    `  协调人登录链接（一次性，7 天内有效；邀请码 ${coordinator.invitation.code}）/ one-time coordinator sign-in link`,
  );
  for (const page of Object.values(ROLE_PAGES)) out(`  ${page.zh} / ${page.en}: ${origin}${page.path}`);
  out(
    `  其他人：在 ${origin}/users.html 邀请，或 rounds signin --role … / others: invited at ${origin}/users.html, or rounds signin --role …`,
  );
  // Offers, reminders, reassignments and coordinator alerts: printed or sent when due (never in quiet hours).
  const outbox = startOutboxDispatcher({ out, adapters: delivery.adapters });

  let running: Promise<unknown> = Promise.resolve();
  const runSeason = (input: { season?: string; scheduledTime?: string }) => {
    running = running.then(async () => {
      const { seasonOfInstant } = await import('#domain/season');
      const season = input.season ?? seasonOfInstant(new Date(input.scheduledTime as string));
      const { getRound } = await import('#store/rounds');
      const round = await getRound(season);
      if (round?.status === 'completed') {
        out(`${season} 轮次已完成，不再重复运行。/ the ${season} round is complete; not run again.`);
        await printStoredPlan(season, 'zh', out);
        const resumed = await resumeHandPlacements(season);
        if (resumed > 0)
          out(
            `继续等待 ${resumed} 份手工安排的邀请的答复 / waiting again for the answers to ${resumed} offers placed by hand`,
          );
        return;
      }
      const { roundExecutionName } = await import('#services/start-round');
      await runRound(session.runner, { season, autoAccept }, 'zh', out, await roundExecutionName(season));
    });
    running = running.catch((error: Error) => out(`轮次出错 / round error: ${error.message}`));
  };

  runSeason({ season: currentSeason() });
  const schedule = startQuarterlySchedule((scheduledTime) => {
    out(`季度触发 / quarterly trigger at ${scheduledTime}`);
    runSeason({ scheduledTime });
  });
  // The coordinators' daily digest, 08:00 Beijing time, through the outbox like the alerts.
  const digest = startDigestTimer((at) => {
    import('#services/daily-digest')
      .then(({ queueDailyDigest }) => queueDailyDigest(at))
      .then(({ outcome }) => {
        if (outcome === 'queued') out('每日摘要已排队 / the daily digest is queued');
      })
      .catch((error: Error) => out(`每日摘要出错 / daily digest error: ${error.message}`));
  });
  await running;
  out('');
  out(`下次季度触发 / next quarterly trigger: ${schedule.next.toISOString()}（北京时间每季首日 9:00）`);
  out(`页面 / pages: ${server.url}/  (登录 / sign in: ${coordinator.invitation.url})`);
  out(
    `计划 / plan API: ${server.url}/seasons/${currentSeason()}/plan  (脚本令牌 / a token for scripts: npm run rounds -- token --role coordinator)`,
  );
  out('按 Ctrl-C 退出 / press Ctrl-C to stop');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    schedule.stop();
    digest.stop();
    outbox.stop();
    await server.close();
    await session.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`启动失败 / could not start: ${error.message}\n`);
  process.exit(1);
});
