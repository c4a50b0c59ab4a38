import { describe, expect, it } from 'vitest';
import { REAL_USE_COMMAND, startMode } from '#cli/start-mode';

describe('the first lines npm start prints', () => {
  it('says the demo runs by default — offers accepted at once, notifications printed — and how to run it for real', () => {
    const mode = startMode({});
    expect(mode).toMatchObject({ autoApprove: true, autoAccept: true, sendsNotifications: false });
    expect(mode.line).toMatch(/^演示模式：计划自动批准，学会自动接受邀请，通知只打印不发送 \/ demo mode: /);
    expect(mode.line).toContain('notifications are printed here, not sent');
    expect(mode.realUse).toMatch(
      /^正式使用请这样启动 \/ for real use start with: AUTO_APPROVE=0 AUTO_ACCEPT=0 NOTIFY=send /,
    );
    for (const setting of ['SMTP_URL=', 'PUBLIC_URL=', 'DATA_DIR=', 'docs/deploy.md'])
      expect(mode.realUse).toContain(setting);
  });

  it('says real use, and no how-to, when all three are set: both waits on and NOTIFY=send', () => {
    const mode = startMode({ AUTO_APPROVE: '0', AUTO_ACCEPT: '0', NOTIFY: 'send' });
    expect(mode).toMatchObject({ autoApprove: false, autoAccept: false, sendsNotifications: true });
    expect(mode.line).toMatch(
      /^正式模式.*\/plan\.html.*通知真实发送 \/ real mode: .*notifications are sent$/,
    );
    expect(mode.realUse).toBeUndefined();
  });

  it('is not real use while notifications are only printed, even with both waits on', () => {
    const mode = startMode({ AUTO_APPROVE: '0', AUTO_ACCEPT: '0' });
    expect(mode.line).toMatch(
      /^混合模式：计划等待协调人批准，邀请等待学会答复，通知只打印不发送 \/ mixed mode: /,
    );
    expect(mode.realUse).toContain(REAL_USE_COMMAND);
  });

  it('names each part when only some are real', () => {
    expect(startMode({ AUTO_APPROVE: '0' }).line).toMatch(
      /^混合模式：计划等待协调人批准，学会自动接受邀请，通知只打印不发送/,
    );
    expect(startMode({ AUTO_ACCEPT: '0', NOTIFY: ' send ' }).line).toMatch(
      /^混合模式：计划自动批准，邀请等待学会答复，通知真实发送 \/ mixed mode: the plan is approved at once, the offers wait for the teams, notifications are sent$/,
    );
  });
});
