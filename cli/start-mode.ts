// The first thing `npm start` says: whether it runs the demo (everything answered at once) or for
// real (the plan waits for the coordinator, offers for the teams), and how to switch.

export interface StartMode {
  autoApprove: boolean;
  autoAccept: boolean;
  line: string;
}

/** The mode `npm start` runs in, read from AUTO_APPROVE and AUTO_ACCEPT (both default on: the demo). */
export function startMode(env: Record<string, string | undefined>): StartMode {
  const autoApprove = env.AUTO_APPROVE !== '0';
  const autoAccept = env.AUTO_ACCEPT !== '0';
  if (autoApprove && autoAccept)
    return {
      autoApprove,
      autoAccept,
      line: '演示模式：计划自动批准，学会自动接受邀请。正式使用请以 AUTO_APPROVE=0 AUTO_ACCEPT=0 npm start 启动（见 README）/ demo mode: the plan is approved and every offer accepted at once; for real use start with AUTO_APPROVE=0 AUTO_ACCEPT=0 npm start (see the README)',
    };
  if (!autoApprove && !autoAccept)
    return {
      autoApprove,
      autoAccept,
      line: '正式模式：计划等待协调人在 /plan.html 批准，邀请等待学会答复 / real mode: the plan waits for the coordinator on /plan.html, the offers for the teams’ answers',
    };
  const approve = autoApprove
    ? ['计划自动批准', 'the plan is approved at once']
    : ['计划等待协调人批准', 'the plan waits for the coordinator'];
  const accept = autoAccept
    ? ['学会自动接受邀请', 'every offer is accepted at once']
    : ['邀请等待学会答复', 'the offers wait for the teams'];
  return {
    autoApprove,
    autoAccept,
    line: `混合模式：${approve[0]}，${accept[0]}（AUTO_APPROVE、AUTO_ACCEPT 设为 0 即正式使用）/ mixed mode: ${approve[1]}, ${accept[1]} (AUTO_APPROVE=0 and AUTO_ACCEPT=0 is real use)`,
  };
}
