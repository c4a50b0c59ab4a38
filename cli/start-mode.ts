// The first thing `npm start` says: whether it runs the demo (the plan approved and every offer
// accepted at once, notifications printed) or for real (the plan waits for the coordinator, offers
// for the teams, notifications sent), and — unless it runs for real — how to.

export interface StartMode {
  autoApprove: boolean;
  autoAccept: boolean;
  /** NOTIFY=send: messages go out (local/delivery.ts); otherwise they are printed. */
  sendsNotifications: boolean;
  line: string;
  /** How to run for real: the settings to change. Absent when it runs for real already. */
  realUse?: string;
}

/** What real use sets, as one command line (docs/deploy.md, "One server of their own"). */
export const REAL_USE_COMMAND =
  'AUTO_APPROVE=0 AUTO_ACCEPT=0 NOTIFY=send SMTP_URL=smtp://… PUBLIC_URL=https://… DATA_DIR=… npm start';

/**
 * The mode `npm start` runs in, read from AUTO_APPROVE and AUTO_ACCEPT (both default on) and NOTIFY
 * (default print): all three at their defaults is the demo. NOTIFY is checked by local/delivery.ts.
 */
export function startMode(env: Record<string, string | undefined>): StartMode {
  const autoApprove = env.AUTO_APPROVE !== '0';
  const autoAccept = env.AUTO_ACCEPT !== '0';
  const sendsNotifications = env.NOTIFY?.trim() === 'send';
  const mode = { autoApprove, autoAccept, sendsNotifications };
  if (!autoApprove && !autoAccept && sendsNotifications)
    return {
      ...mode,
      line: '正式模式：计划等待协调人在 /plan.html 批准，邀请等待学会答复，通知真实发送 / real mode: the plan waits for the coordinator on /plan.html, the offers for the teams’ answers, notifications are sent',
    };
  const realUse =
    `正式使用请这样启动 / for real use start with: ${REAL_USE_COMMAND}\n` +
    '  （邮件服务器 SMTP_URL、对外网址 PUBLIC_URL、数据目录 DATA_DIR；服务器安装、备份与 HTTPS 见 docs/deploy.md）' +
    ' / (the mail server SMTP_URL, the public address PUBLIC_URL, the data directory DATA_DIR; a server install, backups and HTTPS: docs/deploy.md)';
  if (autoApprove && autoAccept && !sendsNotifications)
    return {
      ...mode,
      line: '演示模式：计划自动批准，学会自动接受邀请，通知只打印不发送 / demo mode: the plan is approved and every offer accepted at once; notifications are printed here, not sent',
      realUse,
    };
  const approve = autoApprove
    ? ['计划自动批准', 'the plan is approved at once']
    : ['计划等待协调人批准', 'the plan waits for the coordinator'];
  const accept = autoAccept
    ? ['学会自动接受邀请', 'every offer is accepted at once']
    : ['邀请等待学会答复', 'the offers wait for the teams'];
  const notify = sendsNotifications
    ? ['通知真实发送', 'notifications are sent']
    : ['通知只打印不发送', 'notifications are printed, not sent'];
  return {
    ...mode,
    line: `混合模式：${approve[0]}，${accept[0]}，${notify[0]} / mixed mode: ${approve[1]}, ${accept[1]}, ${notify[1]}`,
    realUse,
  };
}
